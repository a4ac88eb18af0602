// The object-store flags mm-upload and mm-fetch share, read into the storage policy's requests
// (storage/store_policy.hpp holds the defaults and the credential order). The flags whose meaning
// differs per tool (--backend, --bucket, --prefix, --check-bucket, sizes) each tool declares
// itself; a flag a tool lacks counts as not given. Credentials come from the environment or a
// credentials file only, never from argv.
#pragma once
#include <cxxopts.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "errors.hpp"
#include "storage/azure_store.hpp"
#include "storage/credentials.hpp"
#include "storage/open_store.hpp"
#include "storage/s3_store.hpp"
#include "storage/store_policy.hpp"
#include "storage/transfer_slots.hpp"

namespace mm::cli {

// --endpoint, --region, --use-ssl, --ca-file, --path-style, --virtual-host, --account.
inline void add_endpoint_options(cxxopts::Options& options, const std::string& group) {
  options.add_options(group)
    ("endpoint", "s3: HOST:PORT (default: AWS for --region; gcs: storage.googleapis.com; ali: REGION.oss.aliyuncs.com; tc: cos.REGION.myqcloud.com); azure: URL (default https://ACCOUNT.blob.core.windows.net)", cxxopts::value<std::string>(), "ENDPOINT")
    ("region", "region (default us-east-1; gcs: auto; ali, tc: required without --endpoint, which derives from it)", cxxopts::value<std::string>(), "NAME")
    ("use-ssl", "HTTPS to --endpoint (always for the default AWS and GCS endpoints); certificates are always verified")
    ("ca-file", "CA certificates (PEM) to verify the server with", cxxopts::value<std::string>(), "PATH")
    ("path-style", "address buckets as ENDPOINT/BUCKET/KEY (default with --endpoint)")
    ("virtual-host", "address buckets as BUCKET.ENDPOINT/KEY (default for AWS)")
    ("account", "azure: storage account (or AZURE_STORAGE_ACCOUNT)", cxxopts::value<std::string>(), "NAME");
}

// --credentials-file, --profile, --use-iam.
inline void add_credential_options(cxxopts::Options& options) {
  options.add_options("Credentials")
    ("credentials-file", "AWS shared credentials file (default: AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials); used when AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are unset", cxxopts::value<std::string>(), "PATH")
    ("profile", "profile in the credentials file (default: AWS_PROFILE or default)", cxxopts::value<std::string>(), "NAME")
    ("use-iam", "when no keys are found, use the EC2 instance role (metadata service)");
}

// --retries, --timeout.
inline void add_retry_options(cxxopts::Options& options, const std::string& group) {
  options.add_options(group)
    ("retries", "retries of a request after a server error, timeout or dropped connection", cxxopts::value<unsigned>()->default_value("5"), "N")
    ("timeout", "abandon a request when no byte moved for this many seconds", cxxopts::value<unsigned>()->default_value("60"), "SECONDS");
}

// --max-transfers: the process's one bound on the files and parts in flight, whatever -j and
// --part-jobs multiply to (storage/transfer_slots.hpp), so memory stays bounded.
inline void add_max_transfers_option(cxxopts::Options& options, const std::string& group) {
  options.add_options(group)
    ("max-transfers", "files and parts hashed, sent, received or copied at once, in all (about 1 MiB of memory each)", cxxopts::value<unsigned>()->default_value(std::to_string(storage::TransferSlot::kDefaultLimit)), "N");
}
inline void apply_max_transfers(const cxxopts::ParseResult& result) {
  const unsigned limit = result["max-transfers"].as<unsigned>();
  if (limit == 0) bad_usage("--max-transfers: at least 1");
  storage::TransferSlot::set_limit(limit);
}

// The process environment, for the storage policy.
inline std::string env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? value : "";
}

inline storage::HttpOptions http_options(const cxxopts::ParseResult& result) {
  if (result["timeout"].as<unsigned>() == 0) bad_usage("--timeout: at least 1 second");
  storage::HttpOptions http;
  if (result.count("ca-file")) http.ca_file = result["ca-file"].as<std::string>();
  http.stall_timeout_s = long(result["timeout"].as<unsigned>());
  http.retry.retries = result["retries"].as<unsigned>();
  return http;
}

// The store the flags name; the defaults are the storage policy's (storage/store_policy.hpp).
inline storage::StoreSpec remote_store_spec(const std::string& backend, const cxxopts::ParseResult& result) {
  auto given = [&](const char* flag) { return result.count(flag) ? result[flag].as<std::string>() : std::string(); };
  storage::StoreRequest request;
  request.backend = backend;
  request.endpoint = given("endpoint");
  request.region = given("region");
  request.bucket = result["bucket"].as<std::string>();
  request.ca_file = given("ca-file");
  request.account = given("account");
  request.use_ssl = result.count("use-ssl") > 0;
  request.path_style = result.count("path-style") > 0;
  request.virtual_host = result.count("virtual-host") > 0;
  return storage::resolve_store_spec(request, env);
}

// The secrets of the spec's backend: from the environment (or a credentials file, IMDS).
inline storage::StoreSecrets store_secrets(const storage::StoreSpec& spec, const cxxopts::ParseResult& result) {
  storage::CredentialRequest request;
  if (result.count("credentials-file")) request.credentials_file = result["credentials-file"].as<std::string>();
  if (result.count("profile")) request.profile = result["profile"].as<std::string>();
  request.use_iam = result.count("use-iam") > 0;
  return storage::resolve_store_secrets(spec, request, env);
}

// An S3, GCS or Azure store from the flags; part_size and part_jobs only matter for uploads.
inline std::unique_ptr<storage::RemoteStore> make_remote_store(const std::string& backend, const cxxopts::ParseResult& result,
                                                               uint64_t part_size, unsigned part_jobs) {
  storage::StoreSpec spec = remote_store_spec(backend, result);
  storage::StoreTuning tuning;
  tuning.part_size = part_size;
  tuning.part_jobs = part_jobs;
  tuning.unsigned_payload = result.count("unsigned-payload") > 0;
  tuning.http = http_options(result);
  return storage::open_remote_store(spec, store_secrets(spec, result), tuning);
}

}  // namespace mm::cli
