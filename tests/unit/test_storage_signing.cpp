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
  BOOST_TEST(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 4648, section 10 (base16 in the lower case SigV4 and our checksums use).
BOOST_AUTO_TEST_CASE(hex_known_answers) {
  BOOST_TEST(hex_encode("") == "");
  BOOST_TEST(hex_encode("f") == "66");
  BOOST_TEST(hex_encode("foobar") == "666f6f626172");
  BOOST_TEST(hex_encode(std::string("\x00\xff\x10", 3)) == "00ff10");
}

BOOST_AUTO_TEST_CASE(base64_round_trip) {
  BOOST_TEST(base64_encode("") == "");
  BOOST_TEST(base64_encode("f") == "Zg==");
  BOOST_TEST(base64_encode("fo") == "Zm8=");
  BOOST_TEST(base64_encode("foo") == "Zm9v");
  BOOST_TEST(base64_encode("foobar") == "Zm9vYmFy");  // RFC 4648, section 10
  BOOST_TEST(base64_encode("user:pa ss") == "dXNlcjpwYSBzcw==");  // Milvus's authorization metadata
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
  mm::storage::XmlReply reply(body);
  auto entries = reply.root().children("Contents");
  BOOST_TEST(entries.size() == 2u);
  BOOST_TEST(entries[1].text("Key") == "t/1/a&b");
  BOOST_TEST(entries[0].text("Size") == "8");
  BOOST_TEST(reply.root().text("NextContinuationToken") == "x");
  // MinIO (Go's encoder) writes quotes as numeric references.
  BOOST_TEST(mm::storage::XmlReply("<E><ETag>&#34;9b2c&#34;</ETag></E>").root().text("ETag") == "\"9b2c\"");
  BOOST_TEST(mm::storage::XmlReply("<E><Key>a&#x9;b&#233;</Key></E>").root().text("Key") == "a\tb\xc3\xa9");
  // <Blob> must not match <Blobs> or <BlobPrefix>.
  mm::storage::XmlReply azure("<EnumerationResults><Blobs><BlobPrefix>p</BlobPrefix><Blob><Name>n</Name></Blob></Blobs></EnumerationResults>");
  BOOST_TEST(azure.root().children("Blobs")[0].children("Blob").size() == 1u);
  BOOST_TEST(mm::storage::XmlReply("<Blobs/>").root().children("Blob").empty());
}

// What a string search got wrong: each of these read differently before libxml2.
BOOST_AUTO_TEST_CASE(xml_as_xml_means_it) {
  using mm::storage::XmlReply;
  // Namespaces: S3 declares a default one; a prefixed element is the same element.
  XmlReply ns("<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:Contents><s3:Key>k</s3:Key>"
              "<s3:Size>3</s3:Size></s3:Contents></s3:ListBucketResult>");
  BOOST_TEST(ns.root().name() == "ListBucketResult");
  BOOST_REQUIRE(ns.root().children("Contents").size() == 1u);
  BOOST_TEST(ns.root().children("Contents")[0].text("Key") == "k");
  // CDATA, and a comment holding what looks like a tag.
  XmlReply cdata("<Error><!-- <Code>Fake</Code> --><Code><![CDATA[Slow<Down>]]></Code></Error>");
  BOOST_TEST(cdata.error_code() == "Slow<Down>");
  // Nested elements of the same name: the Key of an entry, not the first Key anywhere.
  XmlReply nested("<ListBucketResult><Owner><Key>not-this</Key></Owner><Contents><Key>this</Key></Contents></ListBucketResult>");
  BOOST_TEST(nested.root().children("Contents")[0].text("Key") == "this");
  BOOST_TEST(nested.root().text("Key") == "");
  // Paths: Azure's Content-Length sits in Properties.
  XmlReply blob("<Blob><Name>n</Name><Properties><Content-Length>42</Content-Length></Properties></Blob>");
  BOOST_TEST(blob.root().text("Properties/Content-Length") == "42");
  BOOST_TEST(blob.root().text("Content-Length") == "");
  // An <Error> document in a 200 answer (CompleteMultipartUpload) is an error; a result is not.
  BOOST_TEST(XmlReply("<Error><Code>InternalError</Code></Error>").error_code() == "InternalError");
  BOOST_TEST(XmlReply("<CompleteMultipartUploadResult><Code>x</Code></CompleteMultipartUploadResult>").error_code() == "");
  // Cut, empty, HTML or DTD-carrying answers are not replies.
  BOOST_TEST(!XmlReply("<ListBucketResult><Contents><Key>k</Key>").ok());
  BOOST_TEST(!XmlReply("").ok());
  BOOST_TEST(!XmlReply("<html><body>502 Bad Gateway</body>").ok());
  BOOST_TEST(!XmlReply("<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><r>&e;</r>").ok());
  BOOST_TEST(!XmlReply("<Key>a&#1;</Key>").ok());  // not XML 1.0: refused, not misread
}

BOOST_AUTO_TEST_CASE(xml_error_and_escape) {
  const std::string body =
      "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The &quot;bucket&quot; &amp; co</Message>"
      "</Error>";
  mm::storage::XmlReply reply(body);
  BOOST_TEST(reply.error_code() == "NoSuchBucket");
  BOOST_TEST(reply.root().text("Message") == "The \"bucket\" & co");
  BOOST_TEST(reply.root().text("UploadId") == "");
  BOOST_TEST(mm::storage::xml_escape("\"e<t>ag\"&") == "&quot;e&lt;t&gt;ag&quot;&amp;");
}
