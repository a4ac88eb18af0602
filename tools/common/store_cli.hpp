// The object-store flags mm-upload and mm-fetch share, and the store made from them. The flags
// whose meaning differs per tool (--backend, --bucket, --prefix, --check-bucket, sizes) each tool
// declares itself; a flag a tool lacks counts as not given. Credentials come from the
// environment or a credentials file only, never from argv.
#pragma once
#include <cxxopts.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "errors.hpp"
#include "log.hpp"
#include "storage/azure_store.hpp"
#include "storage/credentials.hpp"
#include "storage/open_store.hpp"
#include "storage/s3_store.hpp"

namespace mm::cli {

// --endpoint, --region, --use-ssl, --ca-file, --path-style, --virtual-host, --account.
inline void add_endpoint_options(cxxopts::Options& options, const std::string& group) {
  options.add_options(group)
    ("endpoint", "s3: HOST:PORT (default: AWS for --region; gcs: storage.googleapis.com); azure: URL (default https://ACCOUNT.blob.core.windows.net)", cxxopts::value<std::string>(), "ENDPOINT")
    ("region", "region (default us-east-1; gcs: auto)", cxxopts::value<std::string>(), "NAME")
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

inline std::string env(const char* name) {
  const char* value = std::getenv(name);
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

inline storage::Credentials s3_credentials(const std::string& backend, const cxxopts::ParseResult& result) {
  using storage::Credentials;
  storage::CredentialSources sources;
  Credentials aws{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
  Credentials gcs{env("GCS_HMAC_ACCESS_KEY"), env("GCS_HMAC_SECRET"), ""};
  sources.env = backend == "gcs" && gcs.complete() ? gcs : aws;
  if (backend == "gcs") sources.env_names = "GCS_HMAC_ACCESS_KEY and GCS_HMAC_SECRET (or the AWS_ ones)";
  sources.file_required = result.count("credentials-file") > 0;
  sources.file = sources.file_required              ? result["credentials-file"].as<std::string>()
                 : !env("AWS_SHARED_CREDENTIALS_FILE").empty() ? env("AWS_SHARED_CREDENTIALS_FILE")
                 : !env("HOME").empty()                       ? env("HOME") + "/.aws/credentials"
                                                              : "";
  sources.profile = result.count("profile")       ? result["profile"].as<std::string>()
                    : !env("AWS_PROFILE").empty() ? env("AWS_PROFILE")
                                                  : "default";
  if (result.count("profile")) sources.file_required = true;
  sources.use_iam = result.count("use-iam") > 0;
  // The variable the AWS SDKs honour for a metadata service elsewhere (and for tests).
  if (!env("AWS_EC2_METADATA_SERVICE_ENDPOINT").empty()) sources.imds_endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  std::string source;
  Credentials creds = resolve_credentials(sources, source);
  log_debug("credentials from " + source);
  return creds;
}

// Where the flags say the store is (the policy for defaults: AWS or GCS endpoints, region, TLS
// and addressing style).
inline storage::StoreSpec remote_store_spec(const std::string& backend, const cxxopts::ParseResult& result) {
  storage::StoreSpec spec;
  spec.backend = backend;
  spec.endpoint = result.count("endpoint") ? result["endpoint"].as<std::string>() : "";
  spec.bucket = result["bucket"].as<std::string>();
  if (result.count("ca-file")) spec.ca_file = result["ca-file"].as<std::string>();
  if (spec.bucket.empty()) bad_usage("--bucket must not be empty");
  if (result.count("path-style") && result.count("virtual-host")) bad_usage("--path-style and --virtual-host exclude each other");
  if (backend == "azure") {
    spec.account = result.count("account") ? result["account"].as<std::string>() : env("AZURE_STORAGE_ACCOUNT");
    if (spec.account.empty()) bad_usage("--backend azure needs --account NAME (or AZURE_STORAGE_ACCOUNT)");
    return spec;
  }
  if (backend != "s3" && backend != "gcs") bad_usage("--backend: one of local, s3, gcs, azure");
  if (spec.endpoint.find("://") != std::string::npos)
    bad_usage("--endpoint: give HOST:PORT without a scheme; --use-ssl selects HTTPS");
  const bool given = !spec.endpoint.empty();
  if (!given && backend == "gcs") spec.endpoint = "storage.googleapis.com";
  spec.region = result.count("region") ? result["region"].as<std::string>() : backend == "gcs" ? "auto" : "us-east-1";
  // The public clouds are reached over HTTPS; a given endpoint (MinIO) only with --use-ssl.
  spec.use_ssl = result.count("use-ssl") > 0 || !given;
  spec.path_style = result.count("virtual-host") ? false : result.count("path-style") ? true : given;
  return spec;
}

// The secrets of the spec's backend: from the environment (or a credentials file, IMDS).
inline storage::StoreSecrets store_secrets(const storage::StoreSpec& spec, const cxxopts::ParseResult& result) {
  storage::StoreSecrets secrets;
  if (spec.backend == "azure") {
    secrets.azure = {env("AZURE_STORAGE_KEY"), env("AZURE_STORAGE_SAS_TOKEN")};
    if (secrets.azure.key.empty() && secrets.azure.sas_token.empty())
      bad_usage("no credentials: set AZURE_STORAGE_KEY (Shared Key) or AZURE_STORAGE_SAS_TOKEN");
  } else if (spec.backend == "s3" || spec.backend == "gcs") {
    secrets.s3 = s3_credentials(spec.backend, result);
  }
  return secrets;
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
