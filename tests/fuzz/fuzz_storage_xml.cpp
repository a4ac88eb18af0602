// S3 and Azure answers as mm-fetch and the stores read them. list_page and explain() are members
// that first send a request, so this target runs their parsing steps on the input as the body,
// in the same order and with the same library calls (s3_read.cpp, azure_read.cpp, s3_store.cpp
// explain, azure_store.cpp explain, s3_multipart.cpp): xml_elements, xml_text, listed_object.
// Also: xml_escape'd text must read back as itself through xml_text.
#include "fuzz_common.hpp"
#include "storage/object_store.hpp"
#include "storage/xml.hpp"

using namespace mm::storage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  const std::string body(reinterpret_cast<const char*>(data), size);
  // S3 ListObjectsV2 (S3Store::list_page).
  mm::fuzz::expect_refusal_only([&] {
    if (body.find("</ListBucketResult>") == std::string::npos) return;
    for (const auto& entry : xml_elements(body, "Contents"))
      (void)listed_object(xml_text(entry, "Key"), xml_text(entry, "Size"), xml_text(entry, "ETag"), "s3://b/p");
    if (xml_text(body, "IsTruncated") == "true") (void)xml_text(body, "NextContinuationToken");
  });
  // Azure List Blobs (AzureStore::list_page).
  mm::fuzz::expect_refusal_only([&] {
    if (body.find("</EnumerationResults>") == std::string::npos) return;
    for (const auto& entry : xml_elements(body, "Blob")) {
      ListedObject o = listed_object(xml_text(entry, "Name"), xml_text(entry, "Content-Length"), xml_text(entry, "Etag"),
                                     "azure://c/p");
      if (!o.etag.empty() && o.etag.front() != '"') o.etag = "\"" + o.etag + "\"";
    }
    (void)xml_text(body, "NextMarker");
  });
  // Error answers (explain) and multipart (UploadId, Code).
  mm::fuzz::expect_refusal_only([&] {
    std::string message = xml_text(body, "Message");
    message = message.substr(0, message.find('\n'));
    (void)xml_text(body, "Code");
    (void)xml_text(body, "UploadId");
  });
  // Escaping round trip.
  mm::fuzz::require(xml_text("<K>" + xml_escape(body) + "</K>", "K") == body, "xml_text(xml_escape(s)) == s");
  return 0;
}
