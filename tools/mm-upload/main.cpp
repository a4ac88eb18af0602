// mm-upload: puts the files of every group record where Milvus 2.x reads them (a local directory,
// S3/MinIO, GCS or Azure Blob) and adds the object keys to the record. Other records pass through.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

#include "../cli/cli.hpp"
#include "../cli/store_cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "record_filter.hpp"
#include "storage/keys.hpp"
#include "storage/open_store.hpp"
#include "records/chunk.hpp"
#include "records/store.hpp"
#include "records/summary.hpp"
#include "storage/upload_group.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::storage;

namespace {

StoreSpec store_spec(const std::string& backend, const cxxopts::ParseResult& result) {
  if (backend != "local") return cli::remote_store_spec(backend, result);
  if (!result.count("dir")) bad_usage("--backend local needs --dir DIR (a directory the Milvus server reads)");
  StoreSpec spec;
  spec.backend = backend;
  spec.dir = std::filesystem::absolute(result["dir"].as<std::string>()).lexically_normal().string();
  return spec;
}

// Where the groups go, for mm-bulkinsert's probe (no secret in it).
std::string store_record(const StoreSpec& spec, const std::string& prefix) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_store_spec(w, spec);
  return records::to_json(records::StoreRecord{prefix, std::string(buffer.GetString(), buffer.GetSize())});
}

int run(int argc, char** argv) {
  cxxopts::Options options("mm-upload", "Put the files of every group record of MANIFEST (default: stdin) where Milvus 2.x reads them, and print each record with \"objects\" (field -> object key, or absolute path for local storage) and \"storage\" added. Other records pass through. Credentials come from the environment or a credentials file, never from the command line.");
  options.add_options("Storage")
    ("backend", "local, s3 (AWS, MinIO), gcs (XML API, HMAC keys), azure, ali (Aliyun OSS) or tc (Tencent COS)", cxxopts::value<std::string>()->default_value("s3"), "NAME")
    ("dir", "local: directory the Milvus server reads files from", cxxopts::value<std::string>(), "DIR")
    ("bucket", "bucket (Azure: container); must be the one Milvus uses (minio.bucketName)", cxxopts::value<std::string>()->default_value("a-bucket"), "NAME")
    ("prefix", "key prefix; files go to PREFIX/<collection>/<partition>/<group>/<field>.npy", cxxopts::value<std::string>()->default_value("migration"), "KEY")
    ("unsigned-payload", "s3, gcs: do not sign the bytes sent (faster; the server no longer checks them; for HTTPS)")
    ("check-bucket", "first check that the bucket exists and is writable")
    ("create-bucket", "create the bucket (or directory) when missing");
  cli::add_endpoint_options(options, "Storage");
  cli::add_credential_options(options);
  options.add_options("Transfer")
    ("j,jobs", "groups uploaded at once", cxxopts::value<unsigned>()->default_value("4"), "N")
    ("part-size", "files larger than this are uploaded in parts of this size (at least 5M)", cxxopts::value<std::string>()->default_value("64M"), "SIZE")
    ("part-jobs", "parts of one file uploaded at once", cxxopts::value<unsigned>()->default_value("4"), "N");
  cli::add_retry_options(options, "Transfer");
  cli::add_max_transfers_option(options, "Transfer");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;

  const std::string backend = result["backend"].as<std::string>();
  const unsigned jobs = result["jobs"].as<unsigned>(), part_jobs = result["part-jobs"].as<unsigned>();
  if (jobs == 0 || part_jobs == 0) bad_usage("--jobs and --part-jobs: at least 1");
  const uint64_t part_size = cli::parse_size("--part-size", result["part-size"].as<std::string>());
  if (part_size < (5u << 20) || part_size > (5ull << 30)) bad_usage("--part-size: between 5M and 5G (S3's part limits)");
  const std::string prefix = normalize_prefix(result["prefix"].as<std::string>());
  cli::apply_max_transfers(result);

  const StoreSpec spec = store_spec(backend, result);
  StoreTuning tuning;
  tuning.part_size = part_size;
  tuning.part_jobs = part_jobs;
  tuning.unsigned_payload = result.count("unsigned-payload") > 0;
  if (backend != "local") tuning.http = cli::http_options(result);
  auto store = open_store(spec, cli::store_secrets(spec, result), tuning);
  const std::string probe_key = (prefix.empty() ? "" : prefix + "/") + ".mm-write-probe-" + std::to_string(getpid());
  if (result.count("create-bucket")) store->create_bucket();
  if (result.count("check-bucket") || result.count("create-bucket")) store->check_bucket(probe_key);

  ManifestReader in(result["manifest"].as<std::string>());
  ManifestWriter out;
  out.write_line(store_record(spec, prefix));
  Progress progress("uploaded", 0, 0);
  std::atomic<uint64_t> groups{0}, objects{0}, written{0}, bytes{0};
  StreamedUploads streamed(*store, jobs * part_jobs);
  auto count_bytes = [&](uint64_t n) { progress.add(0, n); };
  // Groups are printed as their uploads end; chunk records are consumed.
  run_filter(in, out, {{"group", "chunk"}, jobs, false}, [&](const rapidjson::Document& record, const std::string&) -> RecordWorks {
    if (std::string(kind_of(record)) == "chunk")
      return {[&, chunk = records::read_chunk(record)] {
        for (const auto& file : chunk.files)
          streamed.written(object_key(prefix, chunk.collection, chunk.partition, chunk.group, file.field), file, count_bytes);
        return std::string();
      }};
    return {[&, group = records::read_group(record)]() mutable {
      // For progress only: a group record without rows (hand-written) still uploads.
      const uint64_t rows = group.rows.value_or(0);
      GroupUpload done = upload_group(std::move(group), *store, streamed, prefix, count_bytes);
      progress.add(1, 0, rows);
      groups += 1;
      objects += done.objects;
      written += done.written;
      bytes += done.bytes;
      return done.record;
    }};
  });
  if (auto left = streamed.unfinished(); !left.empty())
    bad_data("the input ended with " + std::to_string(left.size()) + " file(s) announced by chunk records but no group record, e.g. " +
             left.front() + " (did mm-npy stop?); their uploads are abandoned, nothing of them is visible; a rerun sends them");
  progress.finish();
  out.write_line(records::to_json(records::UploadSummary{groups, objects, written, bytes}));
  log_info(std::to_string(groups) + " groups, " + std::to_string(objects) + " objects (" + std::to_string(written) +
           " written, " + std::to_string(objects - written) + " already complete)");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-upload", [&] { return run(argc, argv); });
}
