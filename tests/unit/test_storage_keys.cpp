#include <boost/test/unit_test.hpp>

#include "errors.hpp"
#include "storage/keys.hpp"
#include "storage/s3_url.hpp"

using namespace mm::storage;

BOOST_AUTO_TEST_CASE(prefix_is_normalised) {
  BOOST_TEST(normalize_prefix("migration") == "migration");
  BOOST_TEST(normalize_prefix("/migration/") == "migration");
  BOOST_TEST(normalize_prefix("//a//b/") == "a/b");
  BOOST_TEST(normalize_prefix("") == "");
  BOOST_TEST(normalize_prefix("/") == "");
  BOOST_CHECK_THROW(normalize_prefix("a/../b"), mm::Error);
  BOOST_CHECK_THROW(normalize_prefix("./a"), mm::Error);
}

BOOST_AUTO_TEST_CASE(object_keys_follow_the_group_layout) {
  BOOST_TEST(object_key("migration", "c1", "_default", "g0001", "id") == "migration/c1/_default/g0001/id.npy");
  BOOST_TEST(object_key("", "c1", "p", "g", "data") == "c1/p/g/data.npy");
  BOOST_CHECK_THROW(object_key("m", "a/b", "p", "g", "id"), mm::Error);
  BOOST_CHECK_THROW(object_key("m", "c", "..", "g", "id"), mm::Error);
  BOOST_CHECK_THROW(object_key("m", "c", "p", "", "id"), mm::Error);
}

BOOST_AUTO_TEST_CASE(uri_encoding_is_rfc3986) {
  BOOST_TEST(uri_encode("aZ09-_.~", false) == "aZ09-_.~");
  BOOST_TEST(uri_encode("a b/c+d=", false) == "a%20b%2Fc%2Bd%3D");
  BOOST_TEST(uri_encode("a b/c", true) == "a%20b/c");
  BOOST_TEST(uri_encode("\xc3\xa9", false) == "%C3%A9");
  BOOST_TEST(uri_decode("a%20b%2Fc%2bd") == "a b/c+d");
  BOOST_TEST(uri_decode("100%") == "100%");
  BOOST_TEST(uri_decode(uri_encode("bWltYnVz+/=", false)) == "bWltYnVz+/=");
}

BOOST_AUTO_TEST_CASE(canonical_query_is_sorted_and_complete) {
  BOOST_TEST(canonical_query({{"uploads", ""}}) == "uploads=");
  BOOST_TEST(canonical_query({{"uploadId", "a/b+c"}, {"partNumber", "7"}}) == "partNumber=7&uploadId=a%2Fb%2Bc");
  BOOST_TEST(canonical_query({}) == "");
}

BOOST_AUTO_TEST_CASE(s3_urls_for_both_addressing_styles) {
  S3Address minio{"127.0.0.1:9000", "a-bucket", false, true};
  BOOST_TEST(s3_url(minio, "migration/c/p/g/id.npy", "") == "http://127.0.0.1:9000/a-bucket/migration/c/p/g/id.npy");
  BOOST_TEST(s3_url(minio, "", "") == "http://127.0.0.1:9000/a-bucket");
  BOOST_TEST(s3_url(minio, "k y", "uploads=") == "http://127.0.0.1:9000/a-bucket/k%20y?uploads=");
  S3Address aws{aws_s3_host("eu-west-1"), "bkt", true, false};
  BOOST_TEST(s3_url(aws, "a/b.npy", "") == "https://bkt.s3.eu-west-1.amazonaws.com/a/b.npy");
  BOOST_TEST(s3_url(aws, "", "") == "https://bkt.s3.eu-west-1.amazonaws.com/");
}
