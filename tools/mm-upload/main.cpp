// mm-upload: puts the files of every group record where Milvus 2.x reads them (a local directory,
// S3/MinIO, GCS or Azure Blob) and adds the object keys to the record. Other records pass through.
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>

#include "../common/cli.hpp"
#include "../common/store_cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "storage/keys.hpp"
#include "storage/local_store.hpp"
#include "task_group.hpp"
#include "storage/upload_group.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::storage;

namespace {

std::unique_ptr<ObjectStore> make_store(const std::string& backend, const cxxopts::ParseResult& result,
                                        uint64_t part_size, unsigned part_jobs) {
  if (backend == "local") {
    if (!result.count("dir")) bad_usage("--backend local needs --dir DIR (a directory the Milvus server reads)");
    return std::make_unique<LocalStore>(result["dir"].as<std::string>());
  }
  return cli::make_remote_store(backend, result, part_size, part_jobs);
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
      accepted = tasks.spawn([&, group] {
        GroupUpload done = upload_group(*group, *store, prefix, [&](uint64_t n) { progress.add(0, n); });
        progress.add(1, 0);
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
