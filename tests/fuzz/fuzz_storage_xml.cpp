// S3 and Azure answers as mm-fetch and the stores read them. list_page and explain() are members
// that first send a request, so this target runs their parsing steps on the input as the body,
// in the same order and with the same library calls (s3_read.cpp, azure_read.cpp, s3_store.cpp
// explain, azure_store.cpp explain, s3_multipart.cpp): XmlReply, its elements, listed_object.
// Also: xml_escape'd printable text must read back as itself.
#include <algorithm>

#include "fuzz_common.hpp"
#include "storage/object_store.hpp"
#include "storage/xml.hpp"

using namespace mm::storage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  const std::string body(reinterpret_cast<const char*>(data), size);
  const XmlReply reply(body);
  // S3 ListObjectsV2 (S3Store::list_page).
  mm::fuzz::expect_refusal_only([&] {
    if (!reply.ok() || reply.root().name() != "ListBucketResult") return;
    for (const auto& entry : reply.root().children("Contents"))
      (void)listed_object(entry.text("Key"), entry.text("Size"), entry.text("ETag"), "s3://b/p");
    if (reply.root().text("IsTruncated") == "true") (void)reply.root().text("NextContinuationToken");
  });
  // Azure List Blobs (AzureStore::list_page).
  mm::fuzz::expect_refusal_only([&] {
    if (!reply.ok() || reply.root().name() != "EnumerationResults") return;
    for (const auto& blobs : reply.root().children("Blobs"))
      for (const auto& entry : blobs.children("Blob")) {
        ListedObject o = listed_object(entry.text("Name"), entry.text("Properties/Content-Length"),
                                       entry.text("Properties/Etag"), "azure://c/p");
        if (!o.etag.empty() && o.etag.front() != '"') o.etag = "\"" + o.etag + "\"";
      }
    (void)reply.root().text("NextMarker");
  });
  // Error answers (explain) and multipart (UploadId, an <Error> in a 200 answer).
  mm::fuzz::expect_refusal_only([&] {
    std::string message = reply.error_code().empty() ? "" : reply.root().text("Message");
    message = message.substr(0, message.find('\n'));
    (void)reply.root().text("UploadId");
  });
  // Escaping round trip, for text XML can hold as it is.
  if (std::all_of(body.begin(), body.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
    mm::fuzz::require(XmlReply("<R><K>" + xml_escape(body) + "</K></R>").root().text("K") == body, "text(xml_escape(s)) == s");
  return 0;
}
