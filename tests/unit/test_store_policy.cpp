// The storage policy: defaults of a store specification and the order credentials are looked for,
// with the environment given as a map (nothing read from the process).
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "errors.hpp"
#include "storage/store_policy.hpp"

using namespace mm::storage;

namespace {

Environment env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
}

StoreRequest s3(const std::string& endpoint = "") {
  StoreRequest r;
  r.backend = "s3";
  r.bucket = "b";
  r.endpoint = endpoint;
  return r;
}

std::string usage_error(const std::function<void()>& body) {
  try {
    body();
  } catch (const mm::Error& e) {
    BOOST_TEST(e.exit_code() == mm::kExitUsage);
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_policy)

BOOST_AUTO_TEST_CASE(aws_without_an_endpoint) {
  auto spec = resolve_store_spec(s3(), env_of({}));
  BOOST_TEST(spec.endpoint == "");
  BOOST_TEST(spec.use_ssl);
  BOOST_TEST(!spec.path_style);
  BOOST_TEST(spec.region == "us-east-1");
}

BOOST_AUTO_TEST_CASE(a_given_endpoint_is_path_style_http_unless_asked) {
  auto minio = resolve_store_spec(s3("127.0.0.1:9000"), env_of({}));
  BOOST_TEST(!minio.use_ssl);
  BOOST_TEST(minio.path_style);
  auto request = s3("oss.example.com");
  request.virtual_host = true;
  request.use_ssl = true;
  request.region = "cn-hangzhou";
  auto hosted = resolve_store_spec(request, env_of({}));
  BOOST_TEST(hosted.use_ssl);
  BOOST_TEST(!hosted.path_style);
  BOOST_TEST(hosted.region == "cn-hangzhou");
}

BOOST_AUTO_TEST_CASE(gcs_and_azure_defaults) {
  auto request = s3();
  request.backend = "gcs";
  auto gcs = resolve_store_spec(request, env_of({}));
  BOOST_TEST(gcs.endpoint == "storage.googleapis.com");
  BOOST_TEST(gcs.region == "auto");
  BOOST_TEST(gcs.use_ssl);
  request.backend = "azure";
  BOOST_TEST(resolve_store_spec(request, env_of({{"AZURE_STORAGE_ACCOUNT", "acct"}})).account == "acct");
  BOOST_TEST(usage_error([&] { resolve_store_spec(request, env_of({})); }).find("--account") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(contradictions_are_usage_errors) {
  auto both = s3("h:1");
  both.path_style = both.virtual_host = true;
  BOOST_TEST(usage_error([&] { resolve_store_spec(both, env_of({})); }).find("exclude each other") != std::string::npos);
  BOOST_TEST(usage_error([&] { resolve_store_spec(s3("https://h:1"), env_of({})); }).find("without a scheme") != std::string::npos);
  auto no_bucket = s3();
  no_bucket.bucket = "";
  BOOST_TEST(usage_error([&] { resolve_store_spec(no_bucket, env_of({})); }).find("--bucket") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(credentials_in_order) {
  const auto spec = resolve_store_spec(s3(), env_of({}));
  // The environment first.
  auto env_keys = resolve_store_secrets(spec, {}, env_of({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}}));
  BOOST_TEST(env_keys.s3.access_key == "AK");
  // Then the shared file named by AWS_SHARED_CREDENTIALS_FILE, profile from AWS_PROFILE.
  char dir[] = "/tmp/mm-store-policy.XXXXXX";
  BOOST_REQUIRE(::mkdtemp(dir));
  const std::string file = std::string(dir) + "/credentials";
  std::ofstream(file) << "[default]\naws_access_key_id = D\naws_secret_access_key = d\n[other]\naws_access_key_id = O\naws_secret_access_key = o\n";
  auto from_file = resolve_store_secrets(spec, {}, env_of({{"AWS_SHARED_CREDENTIALS_FILE", file}, {"AWS_PROFILE", "other"}}));
  BOOST_TEST(from_file.s3.access_key == "O");
  // A profile given explicitly wins over AWS_PROFILE.
  CredentialRequest named;
  named.profile = "default";
  BOOST_TEST(resolve_store_secrets(spec, named, env_of({{"AWS_SHARED_CREDENTIALS_FILE", file}, {"AWS_PROFILE", "other"}})).s3.access_key == "D");
  // A file named explicitly must exist.
  CredentialRequest missing;
  missing.credentials_file = std::string(dir) + "/none";
  BOOST_CHECK_THROW(resolve_store_secrets(spec, missing, env_of({})), mm::Error);
  std::filesystem::remove_all(dir);
  // gcs: the HMAC keys before the AWS ones.
  auto gcs_request = s3();
  gcs_request.backend = "gcs";
  auto gcs = resolve_store_secrets(resolve_store_spec(gcs_request, env_of({})), {},
                                   env_of({{"GCS_HMAC_ACCESS_KEY", "G"}, {"GCS_HMAC_SECRET", "g"}, {"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "a"}}));
  BOOST_TEST(gcs.s3.access_key == "G");
  // Nothing anywhere: one error naming what was tried.
  BOOST_TEST(usage_error([&] { resolve_store_secrets(spec, {}, env_of({{"HOME", "/nonexistent"}})); }).find("AWS_ACCESS_KEY_ID") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(azure_credentials) {
  auto request = s3();
  request.backend = "azure";
  const auto spec = resolve_store_spec(request, env_of({{"AZURE_STORAGE_ACCOUNT", "acct"}}));
  BOOST_TEST(resolve_store_secrets(spec, {}, env_of({{"AZURE_STORAGE_SAS_TOKEN", "sv=1"}})).azure.sas_token == "sv=1");
  BOOST_TEST(usage_error([&] { resolve_store_secrets(spec, {}, env_of({})); }).find("AZURE_STORAGE_KEY") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cloud_presets)

// Aliyun OSS and Tencent COS as milvus-migration reaches them (storage/aliyun.go, tencent.go):
// the endpoint from the region, HTTPS, BUCKET.ENDPOINT addressing; the spec is plain s3.
BOOST_AUTO_TEST_CASE(endpoints_derived_from_the_region) {
  BOOST_TEST(cloud_endpoint("ali", "cn-hangzhou") == "cn-hangzhou.oss.aliyuncs.com");
  BOOST_TEST(cloud_endpoint("tc", "ap-guangzhou") == "cos.ap-guangzhou.myqcloud.com");
  for (const char* cloud : {"ali", "tc"}) {
    StoreRequest r;
    r.backend = cloud;
    r.bucket = "b";
    r.region = "r1";
    auto spec = resolve_store_spec(r, env_of({}));
    BOOST_TEST(spec.backend == "s3");
    BOOST_TEST(spec.endpoint == cloud_endpoint(cloud, "r1"));
    BOOST_TEST(spec.use_ssl);
    BOOST_TEST(!spec.path_style);
    BOOST_TEST(spec.region == "r1");
  }
}

BOOST_AUTO_TEST_CASE(a_given_endpoint_keeps_virtual_host_addressing) {
  StoreRequest r;
  r.backend = "tc";
  r.bucket = "b";
  r.endpoint = "localhost:9000";
  auto spec = resolve_store_spec(r, env_of({}));
  BOOST_TEST(spec.endpoint == "localhost:9000");
  BOOST_TEST(!spec.use_ssl);
  BOOST_TEST(!spec.path_style);
  r.path_style = true;
  BOOST_TEST(usage_error([&] { resolve_store_spec(r, env_of({})); }).find("--path-style does not apply") != std::string::npos);
  StoreRequest no_region;
  no_region.backend = "ali";
  no_region.bucket = "b";
  BOOST_TEST(usage_error([&] { resolve_store_spec(no_region, env_of({})); }).find("needs --region") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
