// mm-fetch: brings the files of every segment record from the object store holding a 1.x tables/
// directory (milvus-migration's source.mode: remote) to a local directory that mm-scan reads;
// records pass through. Optionally first downloads a meta.json (meta.mode: remote) for mm-meta.
#include <atomic>
#include <optional>
#include <memory>

#include "../cli/cli.hpp"
#include "../cli/store_cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "record_filter.hpp"
#include "records/catalog.hpp"
#include "records/error.hpp"
#include "records/summary.hpp"
#include "storage/keys.hpp"
#include "storage/segment_fetch.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::storage;

namespace {

struct Totals {
  std::atomic<uint64_t> segments{0}, objects{0}, downloaded{0}, bytes{0}, errors{0};
};

// Reads the manifest; each segment record is printed once its files are in `dir`, every record
// in input order.
void fetch_segments(RemoteStore& store, const std::vector<std::string>& prefixes, const std::string& local_tables,
                    const std::string& dir, const std::string& manifest, unsigned jobs, const DownloadParts& parts,
                    bool keep_going, Totals& totals) {
  ManifestReader in(manifest);
  ManifestWriter writer;
  Progress progress("fetched", 0, 0);
  run_filter(in, writer, {{"segment"}, jobs, true}, [&](const rapidjson::Document& record, const std::string& line) -> RecordWorks {
    return {[&, line, ids = records::read_segment_ref(record)] {
      const auto& [collection, table_id, segment_id] = ids;
      SegmentFetch done;
      try {
        done = fetch_segment(store, prefixes, table_id, segment_id, dir, parts, [&](uint64_t n) { progress.add(0, n); },
                             local_tables);
      } catch (const Error& e) {
        if (!keep_going || e.exit_code() != kExitBadData) throw;
        log_error(e.what());
        totals.errors += 1;
        return records::to_json(records::ErrorRecord{"mm-fetch", collection, segment_id, e.what()});
      }
      progress.add(1, 0);
      totals.segments += 1;
      totals.objects += done.objects;
      totals.downloaded += done.downloaded;
      totals.bytes += done.bytes;
      return line;
    }};
  });
  progress.finish();
  writer.write_line(records::to_json(
      records::FetchSummary{totals.segments, totals.objects, totals.downloaded, totals.bytes, totals.errors}));
}

int run(int argc, char** argv) {
  cxxopts::Options options("mm-fetch", "Download the files mm-scan reads (.rv, .uid, deleted_docs) of every segment record of MANIFEST (default: stdin) from the object store holding a Milvus 1.x tables/ directory to DIR/<table_id>/<segment_id>/, and print the records unchanged once their files are complete; then `mm-scan --tables DIR` reads them. With --meta-object, first download a meta.json (meta.mode: remote) for mm-meta to read; without --dir that is all it does. Credentials come from the environment or a credentials file, never from the command line.");
  options.add_options("Source")
    ("backend", "s3 (AWS, MinIO), gcs (XML API, HMAC keys), azure, ali (Aliyun OSS) or tc (Tencent COS)", cxxopts::value<std::string>()->default_value("s3"), "NAME")
    ("bucket", "bucket (Azure: container) holding the 1.x files", cxxopts::value<std::string>(), "NAME")
    ("prefix", "key prefix of the 1.x tables/ directory (milvus-migration's tablesDir); segment files are PREFIX/<table_id>/<segment_id>/<name>; repeat for 0.9.x secondary roots (the segment directory holding the .rv wins)", cxxopts::value<std::vector<std::string>>(), "KEY")
    ("check-bucket", "first check that the bucket exists, can be listed and holds objects under --prefix")
    ("deleted-docs-from", "Milvus 1.1 with storage.s3_enabled: .rv and .uid are in the bucket under their full local path (--prefix /var/lib/milvus/db/tables: the leading / is kept, as AWS stores it, and also tried without, as MinIO stores it), deleted_docs stays on the local disk: copy it from DIR/<table_id>/<segment_id>/", cxxopts::value<std::string>(), "DIR");
  cli::add_endpoint_options(options, "Source");
  cli::add_credential_options(options);
  options.add_options("Destination")
    ("dir", "local directory that becomes the tables/ directory for mm-scan --tables; without it no manifest is read", cxxopts::value<std::string>(), "DIR")
    ("meta-object", "first download this object (a meta.json; key from the bucket root, --prefix not applied)", cxxopts::value<std::string>(), "KEY")
    ("meta-out", "where --meta-object goes (replaced on every run)", cxxopts::value<std::string>(), "FILE")
    ("keep-going", "on a segment with missing files print an error record instead of it and go on (the exit status is still 3)");
  options.add_options("Transfer")
    ("j,jobs", "segments downloaded at once", cxxopts::value<unsigned>()->default_value("4"), "N")
    ("part-size", "files larger than this are downloaded as ranges of this size, in parallel", cxxopts::value<std::string>()->default_value("64M"), "SIZE")
    ("part-jobs", "ranges of one file downloaded at once", cxxopts::value<unsigned>()->default_value("4"), "N");
  cli::add_retry_options(options, "Transfer");
  cli::add_max_transfers_option(options, "Transfer");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;

  const std::string backend = result["backend"].as<std::string>();
  if (backend == "local") bad_usage("--backend: one of s3, gcs, azure, ali, tc (a local tables/ directory needs no fetch)");
  if (!result.count("bucket")) bad_usage("--bucket NAME is required (the bucket holding the 1.x files)");
  const bool fetch_tables = result.count("dir") > 0, fetch_meta = result.count("meta-object") > 0;
  if (result.count("meta-object") != result.count("meta-out")) bad_usage("--meta-object and --meta-out go together");
  if (!fetch_tables && !fetch_meta) bad_usage("give --dir DIR (segment files), --meta-object KEY --meta-out FILE, or both");
  if (!fetch_tables && result.count("manifest") && result["manifest"].as<std::string>() != "-")
    bad_usage("a MANIFEST is read only with --dir");
  if (fetch_tables && result["dir"].as<std::string>().empty()) bad_usage("--dir: empty path");
  if (fetch_meta && result["meta-out"].as<std::string>().empty()) bad_usage("--meta-out: empty path");
  const unsigned jobs = result["jobs"].as<unsigned>();
  if (jobs == 0 || result["part-jobs"].as<unsigned>() == 0) bad_usage("--jobs and --part-jobs: at least 1");
  DownloadParts parts{cli::parse_size("--part-size", result["part-size"].as<std::string>()), result["part-jobs"].as<unsigned>()};
  if (parts.size < (1u << 20)) bad_usage("--part-size: at least 1M");
  cli::apply_max_transfers(result);
  const std::string local_tables = result.count("deleted-docs-from") ? result["deleted-docs-from"].as<std::string>() : "";
  std::vector<std::string> prefixes;
  if (result.count("prefix"))
    for (const auto& p : result["prefix"].as<std::vector<std::string>>()) {
      // 1.1's keys are local paths: AWS keeps their leading '/'; MinIO cleans it away.
      if (!local_tables.empty() && !p.empty() && p[0] == '/') prefixes.push_back("/" + normalize_prefix(p));
      prefixes.push_back(normalize_prefix(p));
    }
  if (prefixes.empty()) prefixes.push_back("");

  auto store = cli::make_remote_store(backend, result, 0, 1);
  if (result.count("check-bucket") && local_tables.empty())
    for (const auto& prefix : prefixes) store->check_readable(prefix);
  if (result.count("check-bucket") && !local_tables.empty()) {  // one of the two spellings holds the keys
    std::optional<Error> last;
    for (const auto& prefix : prefixes) try {
        store->check_readable(prefix);
        last.reset();
        break;
      } catch (const Error& e) {
        last = e;
      }
    if (last) throw *last;
  }

  if (fetch_meta) {
    // A leading '/' (milvus-migration's examples write keys so) is no part of the key.
    std::string key = result["meta-object"].as<std::string>();
    key.erase(0, key.find_first_not_of('/'));
    if (key.empty()) bad_usage("--meta-object: empty key");
    const std::string out = result["meta-out"].as<std::string>();
    ListedObject meta = store->find(key);
    store->download(meta, out, false, parts, [](uint64_t) {});
    log_info(store->display(key) + " -> " + out + " (" + std::to_string(meta.size) + " bytes)");
  }
  if (!fetch_tables) return kExitOk;

  Totals totals;
  fetch_segments(*store, prefixes, local_tables, result["dir"].as<std::string>(), result["manifest"].as<std::string>(), jobs,
                 parts, result.count("keep-going") > 0, totals);
  log_info(std::to_string(totals.segments) + " segments, " + std::to_string(totals.objects) + " files (" +
           std::to_string(totals.downloaded) + " downloaded, " + std::to_string(totals.objects - totals.downloaded) +
           " already present)" + (totals.errors ? ", " + std::to_string(totals.errors) + " bad segments" : ""));
  return totals.errors ? kExitBadData : kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-fetch", [&] { return run(argc, argv); });
}
