// Reading from S3: ListObjectsV2 with continuation, and GETs streamed into a file.
#include "errors.hpp"
#include "storage/crypto.hpp"
#include "storage/s3_store.hpp"
#include "storage/xml.hpp"

namespace mm::storage {

ListPage S3Store::list_page(const std::string& prefix, const std::string& marker, unsigned max_keys) {
  std::vector<std::pair<std::string, std::string>> params = {
      {"list-type", "2"}, {"prefix", prefix}, {"max-keys", std::to_string(max_keys)}};
  if (!marker.empty()) params.emplace_back("continuation-token", marker);
  HttpRequest r = request("GET", "", canonical_query(params), kEmptySha256);
  HttpResponse answer = http_.send(r, display(prefix) + ": LIST");
  if (answer.status != 200) fail_answer("LIST", prefix, r, answer);
  // A cut answer would silently end the listing early.
  XmlReply reply(answer.body);
  if (!reply.ok() || reply.root().name() != "ListBucketResult")
    fail(display(prefix) + ": LIST answer is incomplete or not a listing");
  ListPage page;
  for (const auto& entry : reply.root().children("Contents"))
    page.objects.push_back(listed_object(entry.text("Key"), entry.text("Size"), entry.text("ETag"), display(prefix)));
  if (reply.root().text("IsTruncated") == "true") {
    page.next = reply.root().text("NextContinuationToken");
    if (page.next.empty()) fail(display(prefix) + ": LIST answer is truncated but has no continuation token");
  }
  return page;
}

void S3Store::get(const ListedObject& object, FileSink& sink) {
  HttpRequest r = request("GET", object.key, "", kEmptySha256);
  // A resumed or retried download must not splice two versions of the object.
  if (!object.etag.empty()) r.headers.push_back("If-Match: " + object.etag);
  r.sink = &sink;
  HttpResponse answer = http_.send(r, display(object.key) + ": GET");
  // Every byte arrived, but the answer to the last attempt was lost: the rest is empty.
  if (answer.status == 416 && sink.length == FileSink::kWhole && sink.received == object.size) return;
  if (answer.status != 200 && answer.status != 206) fail_answer("GET", object.key, r, answer);
}

}  // namespace mm::storage
