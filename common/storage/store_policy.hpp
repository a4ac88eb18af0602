// The storage policy, in one place: the defaults a store specification takes when the user leaves
// them out (AWS or GCS endpoints, region, HTTPS, bucket addressing) and the order in which
// credentials are looked for. No flags and no environment here: the tools pass in what was given
// and a way to read variables, so unit tests can try every case.
#pragma once
#include <functional>
#include <string>

#include "storage/open_store.hpp"

namespace mm::storage {

// What the user gave (flags or migration.yaml keys); an empty string is "not given".
struct StoreRequest {
  std::string backend;  // s3, gcs, azure, or ali / tc (S3-compatible: Aliyun OSS, Tencent COS)
  std::string endpoint, region, bucket, ca_file, account;
  bool use_ssl = false, path_style = false, virtual_host = false;
};

// Reads one environment variable ("" when unset).
using Environment = std::function<std::string(const std::string& name)>;

// s3 without an endpoint is AWS: HTTPS, virtual-host addressing, region us-east-1. gcs without
// one is storage.googleapis.com over HTTPS, region auto. A given endpoint (MinIO, another
// S3-compatible store) is path-style over HTTP unless use_ssl or virtual_host say otherwise.
// ali (Aliyun OSS) and tc (Tencent COS) are S3 with virtual-host addressing and SigV4, as
// milvus-migration reaches them: without an endpoint, HTTPS to REGION.oss.aliyuncs.com or
// cos.REGION.myqcloud.com (region required); the spec's backend is then s3.
// azure needs an account (given, or AZURE_STORAGE_ACCOUNT). Contradictions are usage errors that
// name the flags (--path-style, --virtual-host, --endpoint, --bucket, --account).
StoreSpec resolve_store_spec(const StoreRequest& request, const Environment& env);

// The public S3-compatible endpoint of an ali or tc region (milvus-migration's storage/aliyun.go
// and tencent.go): "cn-hangzhou" -> "cn-hangzhou.oss.aliyuncs.com", "ap-guangzhou" ->
// "cos.ap-guangzhou.myqcloud.com".
std::string cloud_endpoint(const std::string& backend, const std::string& region);

// Where s3/gcs credentials may come from, as given.
struct CredentialRequest {
  std::string credentials_file;  // "" when not given
  std::string profile;           // "" when not given
  bool use_iam = false;
};

// s3/gcs: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY(/AWS_SESSION_TOKEN) (gcs: GCS_HMAC_ACCESS_KEY/
// GCS_HMAC_SECRET first), then the shared credentials file (given, AWS_SHARED_CREDENTIALS_FILE, or
// ~/.aws/credentials) and its profile (given, AWS_PROFILE, or default), then with use_iam the
// instance role (AWS_EC2_METADATA_SERVICE_ENDPOINT, else 169.254.169.254). azure: AZURE_STORAGE_KEY
// or AZURE_STORAGE_SAS_TOKEN. Nothing found is a usage error naming what was tried.
StoreSecrets resolve_store_secrets(const StoreSpec& spec, const CredentialRequest& request, const Environment& env);

}  // namespace mm::storage
