// mm-scan: finds and validates the files of each segment record and adds live row counts.
#include "../cli/cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "milvus1x/segment_files.hpp"
#include "record_filter.hpp"
#include "records/catalog.hpp"
#include "records/error.hpp"
#include "records/summary.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::milvus1x;

namespace {

int run(int argc, char** argv) {
  cxxopts::Options options("mm-scan", "Find and validate the files of each segment record read from MANIFEST (default: stdin), add row, delete and live counts, and print the records on stdout. Other records pass through.");
  options.add_options("Scan")
    ("tables", "a 1.x tables/ directory (<storage>/db/tables); repeat for 0.9.x secondary roots, searched in order", cxxopts::value<std::vector<std::string>>(), "DIR")
    ("keep-going", "on a bad segment print an error record and go on (the exit status is still 3)");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;
  if (!result.count("tables")) bad_usage("--tables DIR is required");
  const auto roots = result["tables"].as<std::vector<std::string>>();
  const bool keep_going = result.count("keep-going") > 0;

  ManifestReader in(result["manifest"].as<std::string>());
  ManifestWriter out;
  records::ScanSummary t;
  auto warn = [](const std::string& line) { log_warning(line); };
  run_filter(in, out, {{"segment"}, 1, true}, [&](const rapidjson::Document& record, const std::string&) -> RecordWorks {
    return {[&, s = records::read_segment(record)]() mutable {
      try {
        scan_segment(s, roots, warn);
      } catch (const Error& e) {
        if (!keep_going || e.exit_code() != kExitBadData) throw;
        log_error(e.what());
        ++t.errors;
        return records::to_json(records::ErrorRecord{"mm-scan", s.collection, s.segment_id, e.what()});
      }
      ++t.segments;
      t.rows += s.rows;
      t.deleted += s.deleted;
      t.live += s.live;
      return records::to_json(s);
    }};
  });
  out.write_line(records::to_json(t));
  log_info(std::to_string(t.segments) + " segments, " + std::to_string(t.live) + " live rows (" +
           std::to_string(t.deleted) + " deleted)" + (t.errors ? ", " + std::to_string(t.errors) + " bad segments" : ""));
  return t.errors ? kExitBadData : kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-scan", [&] { return run(argc, argv); });
}
