// Reading from Azure Blob storage: List Blobs with markers, and Get Blob streamed into a file.
#include "errors.hpp"
#include "storage/azure_store.hpp"
#include "storage/xml.hpp"

namespace mm::storage {

ListPage AzureStore::list_page(const std::string& prefix, const std::string& marker, unsigned max_keys) {
  Params query = {{"restype", "container"}, {"comp", "list"}, {"prefix", prefix}, {"maxresults", std::to_string(max_keys)}};
  if (!marker.empty()) query.emplace_back("marker", marker);
  HttpResponse answer = http_.send(request("GET", "", query, {}, 0), display(prefix) + ": List Blobs");
  if (answer.status != 200) fail(display(prefix) + ": List Blobs failed: " + explain(answer));
  // A cut answer would silently end the listing early.
  XmlReply reply(answer.body);
  if (!reply.ok() || reply.root().name() != "EnumerationResults")
    fail(display(prefix) + ": List Blobs answer is incomplete or not a listing");
  ListPage page;
  for (const auto& blobs : reply.root().children("Blobs"))
    for (const auto& entry : blobs.children("Blob")) {
      ListedObject o = listed_object(entry.text("Name"), entry.text("Properties/Content-Length"), entry.text("Properties/Etag"),
                                     display(prefix));
      // Listings give the ETag bare; If-Match wants it quoted, as Get Blob Properties gives it.
      if (!o.etag.empty() && o.etag.front() != '"') o.etag = "\"" + o.etag + "\"";
      page.objects.push_back(o);
    }
  page.next = reply.root().text("NextMarker");
  return page;
}

void AzureStore::get(const ListedObject& object, FileSink& sink) {
  std::vector<std::string> headers;
  // A resumed or retried download must not splice two versions of the blob.
  if (!object.etag.empty()) headers.push_back("If-Match: " + object.etag);
  HttpRequest r = request("GET", object.key, {}, headers, 0);
  r.sink = &sink;
  HttpResponse answer = http_.send(r, display(object.key) + ": Get Blob");
  // Every byte arrived, but the answer to the last attempt was lost: the rest is empty.
  if (answer.status == 416 && sink.length == FileSink::kWhole && sink.received == object.size) return;
  if (answer.status != 200 && answer.status != 206) fail(display(object.key) + ": Get Blob failed: " + explain(answer));
}

}  // namespace mm::storage
