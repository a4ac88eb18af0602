// mm-upload: puts the files of every group record where Milvus 2.x reads them (a local directory,
// S3/MinIO, GCS or Azure Blob) and adds the object keys to the record. Other records pass through.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <thread>

#include "../common/cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "storage/azure_store.hpp"
#include "storage/credentials.hpp"
#include "storage/keys.hpp"
#include "storage/local_store.hpp"
#include "task_group.hpp"
#include "storage/s3_store.hpp"
#include "storage/upload_group.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::storage;

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

HttpOptions http_options(const cxxopts::ParseResult& result) {
  HttpOptions http;
  if (result.count("ca-file")) http.ca_file = result["ca-file"].as<std::string>();
  http.stall_timeout_s = long(result["timeout"].as<unsigned>());
  http.retry.retries = result["retries"].as<unsigned>();
  return http;
}

Credentials s3_credentials(const std::string& backend, const cxxopts::ParseResult& result) {
  CredentialSources sources;
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

std::unique_ptr<ObjectStore> make_store(const std::string& backend, const cxxopts::ParseResult& result,
                                        uint64_t part_size, unsigned part_jobs) {
  if (backend == "local") {
    if (!result.count("dir")) bad_usage("--backend local needs --dir DIR (a directory the Milvus server reads)");
    return std::make_unique<LocalStore>(result["dir"].as<std::string>());
  }
  const std::string endpoint = result.count("endpoint") ? result["endpoint"].as<std::string>() : "";
  const std::string bucket = result["bucket"].as<std::string>();
  if (bucket.empty()) bad_usage("--bucket must not be empty");
  if (backend == "azure") {
    AzureOptions o;
    o.account = result.count("account") ? result["account"].as<std::string>() : env("AZURE_STORAGE_ACCOUNT");
    if (o.account.empty()) bad_usage("--backend azure needs --account NAME (or AZURE_STORAGE_ACCOUNT)");
    o.container = bucket;
    o.endpoint = endpoint;
    o.part_size = part_size;
    o.part_jobs = part_jobs;
    o.http = http_options(result);
    AzureCredentials creds{env("AZURE_STORAGE_KEY"), env("AZURE_STORAGE_SAS_TOKEN")};
    if (creds.key.empty() && creds.sas_token.empty())
      bad_usage("no credentials: set AZURE_STORAGE_KEY (Shared Key) or AZURE_STORAGE_SAS_TOKEN");
    return std::make_unique<AzureStore>(o, creds);
  }
  if (backend != "s3" && backend != "gcs") bad_usage("--backend: one of local, s3, gcs, azure");
  if (endpoint.find("://") != std::string::npos)
    bad_usage("--endpoint: give HOST:PORT without a scheme; --use-ssl selects HTTPS");
  S3Options o;
  o.backend = backend;
  o.endpoint = endpoint.empty() && backend == "gcs" ? "storage.googleapis.com" : endpoint;
  o.region = result.count("region") ? result["region"].as<std::string>() : backend == "gcs" ? "auto" : "us-east-1";
  o.bucket = bucket;
  // The public clouds are reached over HTTPS; a given endpoint (MinIO) only with --use-ssl.
  o.use_ssl = result.count("use-ssl") > 0 || endpoint.empty();
  o.path_style = result.count("virtual-host") ? false : result.count("path-style") ? true : !endpoint.empty();
  o.part_size = part_size;
  o.part_jobs = part_jobs;
  o.unsigned_payload = result.count("unsigned-payload") > 0;
  o.http = http_options(result);
  return std::make_unique<S3Store>(o, s3_credentials(backend, result));
}

int run(int argc, char** argv) {
  cxxopts::Options options("mm-upload", "Put the files of every group record of MANIFEST (default: stdin) where Milvus 2.x reads them, and print each record with \"objects\" (field -> object key, or absolute path for local storage) and \"storage\" added. Other records pass through. Credentials come from the environment or a credentials file, never from the command line.");
  options.add_options("Storage")
    ("backend", "local, s3 (AWS, MinIO), gcs (XML API, HMAC keys) or azure", cxxopts::value<std::string>()->default_value("s3"), "NAME")
    ("dir", "local: directory the Milvus server reads files from", cxxopts::value<std::string>(), "DIR")
    ("bucket", "bucket (Azure: container); must be the one Milvus uses (minio.bucketName)", cxxopts::value<std::string>()->default_value("a-bucket"), "NAME")
    ("prefix", "key prefix; files go to PREFIX/<collection>/<partition>/<group>/<field>.npy", cxxopts::value<std::string>()->default_value("migration"), "KEY")
    ("endpoint", "s3: HOST:PORT (default: AWS for --region; gcs: storage.googleapis.com); azure: URL (default https://ACCOUNT.blob.core.windows.net)", cxxopts::value<std::string>(), "ENDPOINT")
    ("region", "region (default us-east-1; gcs: auto)", cxxopts::value<std::string>(), "NAME")
    ("use-ssl", "HTTPS to --endpoint (always for the default AWS and GCS endpoints); certificates are always verified")
    ("ca-file", "CA certificates (PEM) to verify the server with", cxxopts::value<std::string>(), "PATH")
    ("unsigned-payload", "s3, gcs: do not sign the bytes sent (faster; the server no longer checks them; for HTTPS)")
    ("path-style", "address buckets as ENDPOINT/BUCKET/KEY (default with --endpoint)")
    ("virtual-host", "address buckets as BUCKET.ENDPOINT/KEY (default for AWS)")
    ("account", "azure: storage account (or AZURE_STORAGE_ACCOUNT)", cxxopts::value<std::string>(), "NAME")
    ("check-bucket", "first check that the bucket exists and is writable")
    ("create-bucket", "create the bucket (or directory) when missing");
  options.add_options("Credentials")
    ("credentials-file", "AWS shared credentials file (default: AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials); used when AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are unset", cxxopts::value<std::string>(), "PATH")
    ("profile", "profile in the credentials file (default: AWS_PROFILE or default)", cxxopts::value<std::string>(), "NAME")
    ("use-iam", "when no keys are found, use the EC2 instance role (metadata service)");
  options.add_options("Transfer")
    ("j,jobs", "groups uploaded at once", cxxopts::value<unsigned>()->default_value("4"), "N")
    ("part-size", "files larger than this are uploaded in parts of this size (at least 5M)", cxxopts::value<std::string>()->default_value("64M"), "SIZE")
    ("part-jobs", "parts of one file uploaded at once", cxxopts::value<unsigned>()->default_value("4"), "N")
    ("retries", "retries of a request after a server error, timeout or dropped connection", cxxopts::value<unsigned>()->default_value("5"), "N")
    ("timeout", "abandon a request when no byte moved for this many seconds", cxxopts::value<unsigned>()->default_value("60"), "SECONDS");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;

  const std::string backend = result["backend"].as<std::string>();
  const unsigned jobs = result["jobs"].as<unsigned>(), part_jobs = result["part-jobs"].as<unsigned>();
  if (jobs == 0 || part_jobs == 0) bad_usage("--jobs and --part-jobs: at least 1");
  if (result["timeout"].as<unsigned>() == 0) bad_usage("--timeout: at least 1 second");
  const uint64_t part_size = cli::parse_size("--part-size", result["part-size"].as<std::string>());
  if (part_size < (5u << 20) || part_size > (5ull << 30)) bad_usage("--part-size: between 5M and 5G (S3's part limits)");
  if (result.count("path-style") && result.count("virtual-host")) bad_usage("--path-style and --virtual-host exclude each other");
  const std::string prefix = normalize_prefix(result["prefix"].as<std::string>());

  auto store = make_store(backend, result, part_size, part_jobs);
  const std::string probe_key = (prefix.empty() ? "" : prefix + "/") + ".mm-write-probe-" + std::to_string(getpid());
  if (result.count("create-bucket")) store->create_bucket();
  if (result.count("check-bucket") || result.count("create-bucket")) store->check_bucket(probe_key);

  ManifestReader in(result["manifest"].as<std::string>());
  ManifestWriter out;
  Progress progress("uploaded", 0, 0);
  std::atomic<uint64_t> groups{0}, objects{0}, written{0}, bytes{0};
  {
    TaskGroup tasks(jobs);
    rapidjson::Document record;
    bool accepted = true;
    while (accepted && in.next(record)) {
      if (std::string(kind_of(record)) != "group") {
        out.write_line(in.line());
        continue;
      }
      auto group = std::make_shared<rapidjson::Document>();
      group->CopyFrom(record, group->GetAllocator());
      // For progress only: a group record without rows (hand-written) still uploads.
      auto rows_field = record.FindMember("rows");
      const uint64_t rows =
          rows_field != record.MemberEnd() && rows_field->value.IsUint64() ? rows_field->value.GetUint64() : 0;
      accepted = tasks.spawn([&, group, rows] {
        GroupUpload done = upload_group(*group, *store, prefix, [&](uint64_t n) { progress.add(0, n); });
        progress.add(1, 0, rows);
        out.write_line(done.record);
        groups += 1;
        objects += done.objects;
        written += done.written;
        bytes += done.bytes;
      });
    }
    tasks.wait();
  }
  progress.finish();
  out.write_line("{\"kind\":\"summary\",\"tool\":\"mm-upload\",\"groups\":" + std::to_string(groups) +
                 ",\"objects\":" + std::to_string(objects) + ",\"written\":" + std::to_string(written) +
                 ",\"skipped\":" + std::to_string(objects - written) + ",\"bytes\":" + std::to_string(bytes) + "}");
  log_info(std::to_string(groups) + " groups, " + std::to_string(objects) + " objects (" + std::to_string(written) +
           " written, " + std::to_string(objects - written) + " already complete)");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-upload", [&] { return run(argc, argv); });
}
