#include <boost/test/unit_test.hpp>

#include "errors.hpp"
#include "storage/azure_auth.hpp"
#include "storage/crypto.hpp"
#include "storage/retry.hpp"
#include "storage/xml.hpp"

using namespace mm::storage;

BOOST_AUTO_TEST_CASE(sha256_and_hmac_known_answers) {
  BOOST_TEST(sha256_hex("") == kEmptySha256);
  BOOST_TEST(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231, test case 2.
  std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  static const char* expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  std::string hex;
  for (unsigned char c : mac) {
    static const char* d = "0123456789abcdef";
    hex += d[c >> 4];
    hex += d[c & 15];
  }
  BOOST_TEST(hex == expected);
}

BOOST_AUTO_TEST_CASE(base64_round_trip) {
  BOOST_TEST(base64_encode("") == "");
  BOOST_TEST(base64_encode("f") == "Zg==");
  BOOST_TEST(base64_encode("fo") == "Zm8=");
  BOOST_TEST(base64_encode("foo") == "Zm9v");
  BOOST_TEST(base64_decode("Zg==", "k") == "f");
  BOOST_TEST(base64_decode("Zm8=", "k") == "fo");
  BOOST_TEST(base64_decode("Zm9vYmFy", "k") == "foobar");
  BOOST_CHECK_THROW(base64_decode("not base64!", "k"), mm::Error);
}

BOOST_AUTO_TEST_CASE(azure_shared_key_string_and_signature) {
  AzureSigned r;
  r.method = "PUT";
  r.account = "acct";
  r.path = "/acct/ctr/a%20b/c.npy";  // emulator style: the account is also the first path segment
  r.query = {{"comp", "block"}, {"blockid", "bW0tYmxvY2stMDAwMDAx"}};
  r.headers = {{"x-ms-version", "2021-08-06"},
               {"Content-Type", "application/octet-stream"},
               {"x-ms-blob-type", "BlockBlob"},
               {"X-MS-Meta-mm_sha256", "abc"},
               {"x-ms-date", "Sun, 06 Nov 1994 08:49:37 GMT"}};
  r.content_length = 11;
  const std::string expected =
      "PUT\n\n\n11\n\napplication/octet-stream\n\n\n\n\n\n\n"
      "x-ms-blob-type:BlockBlob\nx-ms-date:Sun, 06 Nov 1994 08:49:37 GMT\nx-ms-meta-mm_sha256:abc\n"
      "x-ms-version:2021-08-06\n/acct/acct/ctr/a%20b/c.npy\nblockid:bW0tYmxvY2stMDAwMDAx\ncomp:block";
  BOOST_TEST(shared_key_string_to_sign(r) == expected);
  // Expected value computed independently with Python's hmac module.
  std::string key = base64_decode("c2VjcmV0LWFjY291bnQta2V5LWZvci10ZXN0cw==", "key");
  BOOST_TEST(shared_key_authorization("acct", key, expected) == "SharedKey acct:J0MRQ34Vm4NCIf/aDcJPQqhAC00UUfAAiix1cm5Zet0=");
  r.content_length = 0;  // zero length is an empty line
  BOOST_TEST(shared_key_string_to_sign(r).rfind("PUT\n\n\n\n", 0) == 0);
}

BOOST_AUTO_TEST_CASE(http_dates) {
  BOOST_TEST(http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  BOOST_TEST(http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
}

BOOST_AUTO_TEST_CASE(retry_rules) {
  BOOST_TEST(retryable_status(500));
  BOOST_TEST(retryable_status(503));
  BOOST_TEST(retryable_status(429));
  BOOST_TEST(!retryable_status(404));
  BOOST_TEST(!retryable_status(403));
  BOOST_TEST(!retryable_status(200));
  RetryPolicy p;
  p.first_backoff_ms = 100;
  p.max_backoff_ms = 1000;
  BOOST_TEST(backoff_ms(p, 1, 0) == 100u);
  BOOST_TEST(backoff_ms(p, 2, 0) == 200u);
  BOOST_TEST(backoff_ms(p, 4, 0) == 800u);
  BOOST_TEST(backoff_ms(p, 30, 0) == 1000u);
  for (uint32_t bits : {1u, 77u, 0xffffffffu}) {
    unsigned w = backoff_ms(p, 3, bits);
    BOOST_TEST((w >= 400u && w <= 500u));
  }
}

BOOST_AUTO_TEST_CASE(xml_listing_entries) {
  const std::string body =
      "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>t/1/a.rv</Key><Size>8</Size></Contents>"
      "<Contents><Key>t/1/a&amp;b</Key><Size>16</Size></Contents><NextContinuationToken>x</NextContinuationToken>"
      "</ListBucketResult>";
  auto entries = mm::storage::xml_elements(body, "Contents");
  BOOST_TEST(entries.size() == 2u);
  BOOST_TEST(xml_text(entries[1], "Key") == "t/1/a&b");
  BOOST_TEST(xml_text(entries[0], "Size") == "8");
  // MinIO (Go's encoder) writes quotes as numeric references.
  BOOST_TEST(xml_text("<ETag>&#34;9b2c&#34;</ETag>", "ETag") == "\"9b2c\"");
  BOOST_TEST(xml_text("<Key>a&#x9;b&#233;&#1;</Key>", "Key") == "a\tb\xc3\xa9\x01");
  BOOST_TEST(xml_text("<Key>&#;&#x;&#12a;</Key>", "Key") == "&#;&#x;&#12a;");
  // <Blob> must not match <Blobs> or <BlobPrefix>.
  BOOST_TEST(mm::storage::xml_elements("<Blobs><BlobPrefix>p</BlobPrefix><Blob><Name>n</Name></Blob></Blobs>", "Blob").size() == 1u);
  BOOST_TEST(mm::storage::xml_elements("<Blobs/>", "Blob").empty());
}

BOOST_AUTO_TEST_CASE(xml_text_and_escape) {
  const std::string body =
      "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The &quot;bucket&quot; &amp; co</Message>"
      "</Error>";
  BOOST_TEST(xml_text(body, "Code") == "NoSuchBucket");
  BOOST_TEST(xml_text(body, "Message") == "The \"bucket\" & co");
  BOOST_TEST(xml_text(body, "UploadId") == "");
  BOOST_TEST(xml_escape("\"e<t>ag\"&") == "&quot;e&lt;t&gt;ag&quot;&amp;");
}
