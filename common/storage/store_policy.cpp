#include "storage/store_policy.hpp"

#include "errors.hpp"
#include "log.hpp"

namespace mm::storage {

std::string cloud_endpoint(const std::string& backend, const std::string& region) {
  return backend == "ali" ? region + ".oss.aliyuncs.com" : "cos." + region + ".myqcloud.com";
}

StoreSpec resolve_store_spec(const StoreRequest& request, const Environment& env) {
  if (request.backend == "ali" || request.backend == "tc") {
    StoreRequest s3 = request;
    s3.backend = "s3";
    if (s3.endpoint.empty()) {
      if (s3.region.empty())
        bad_usage("--backend " + request.backend + " needs --region (the endpoint is derived from it) or --endpoint");
      s3.endpoint = cloud_endpoint(request.backend, s3.region);
      s3.use_ssl = true;
    }
    if (s3.path_style) bad_usage("--backend " + request.backend + " addresses buckets as BUCKET.ENDPOINT: --path-style does not apply");
    s3.virtual_host = true;
    return resolve_store_spec(s3, env);
  }
  StoreSpec spec;
  spec.backend = request.backend;
  spec.endpoint = request.endpoint;
  spec.bucket = request.bucket;
  spec.ca_file = request.ca_file;
  if (spec.bucket.empty()) bad_usage("--bucket must not be empty");
  if (request.path_style && request.virtual_host) bad_usage("--path-style and --virtual-host exclude each other");
  if (spec.backend == "azure") {
    spec.account = !request.account.empty() ? request.account : env("AZURE_STORAGE_ACCOUNT");
    if (spec.account.empty()) bad_usage("--backend azure needs --account NAME (or AZURE_STORAGE_ACCOUNT)");
    return spec;
  }
  if (spec.backend != "s3" && spec.backend != "gcs") bad_usage("--backend: one of local, s3, gcs, azure, ali, tc");
  if (spec.endpoint.find("://") != std::string::npos) bad_usage("--endpoint: give HOST:PORT without a scheme; --use-ssl selects HTTPS");
  const bool given = !spec.endpoint.empty();
  if (!given && spec.backend == "gcs") spec.endpoint = "storage.googleapis.com";
  spec.region = !request.region.empty() ? request.region : spec.backend == "gcs" ? "auto" : "us-east-1";
  // The public clouds are reached over HTTPS; a given endpoint (MinIO) only when asked.
  spec.use_ssl = request.use_ssl || !given;
  spec.path_style = request.virtual_host ? false : request.path_style ? true : given;
  return spec;
}

namespace {

Credentials s3_credentials(const std::string& backend, const CredentialRequest& request, const Environment& env) {
  CredentialSources sources;
  const Credentials aws{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN")};
  const Credentials gcs{env("GCS_HMAC_ACCESS_KEY"), env("GCS_HMAC_SECRET"), ""};
  sources.env = backend == "gcs" && gcs.complete() ? gcs : aws;
  if (backend == "gcs") sources.env_names = "GCS_HMAC_ACCESS_KEY and GCS_HMAC_SECRET (or the AWS_ ones)";
  // A file or profile named explicitly must be there.
  sources.file_required = !request.credentials_file.empty() || !request.profile.empty();
  sources.file = !request.credentials_file.empty()              ? request.credentials_file
                 : !env("AWS_SHARED_CREDENTIALS_FILE").empty() ? env("AWS_SHARED_CREDENTIALS_FILE")
                 : !env("HOME").empty()                        ? env("HOME") + "/.aws/credentials"
                                                               : "";
  sources.profile = !request.profile.empty() ? request.profile : !env("AWS_PROFILE").empty() ? env("AWS_PROFILE") : "default";
  sources.use_iam = request.use_iam;
  // The variable the AWS SDKs honour for a metadata service elsewhere (and for tests).
  if (!env("AWS_EC2_METADATA_SERVICE_ENDPOINT").empty()) sources.imds_endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  std::string source;
  Credentials creds = resolve_credentials(sources, source);
  log_debug("credentials from " + source);
  return creds;
}

}  // namespace

StoreSecrets resolve_store_secrets(const StoreSpec& spec, const CredentialRequest& request, const Environment& env) {
  StoreSecrets secrets;
  if (spec.backend == "azure") {
    secrets.azure = {env("AZURE_STORAGE_KEY"), env("AZURE_STORAGE_SAS_TOKEN")};
    if (secrets.azure.key.empty() && secrets.azure.sas_token.empty())
      bad_usage("no credentials: set AZURE_STORAGE_KEY (Shared Key) or AZURE_STORAGE_SAS_TOKEN");
  } else if (spec.backend == "s3" || spec.backend == "gcs") {
    secrets.s3 = s3_credentials(spec.backend, request, env);
  }
  return secrets;
}

}  // namespace mm::storage
