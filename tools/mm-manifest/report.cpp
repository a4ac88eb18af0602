// mm-manifest report: mm-run's report.json, and its table for people.
#include <fstream>
#include <iostream>

#include "../cli/cli.hpp"
#include "fs_sync.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "records/catalog.hpp"
#include "records/report.hpp"
#include "subcommands.hpp"
#include "table_text.hpp"

namespace mm::manifest_cmd {

namespace {

void print_table(const records::Report& r) {
  TableText table({"collection", "2.x partition", "1.x tag", "1.x live", "imported", "2.x rows", "verified"});
  for (const auto& p : r.partitions)
    table.row({p.collection, p.partition, tag_or_dash(p.tag), std::to_string(p.live_1x), std::to_string(p.imported),
               p.rows_2x ? std::to_string(*p.rows_2x) : "-", p.ok ? "ok" : "MISMATCH"});
  table.row({"total", "", "", std::to_string(r.live_1x), std::to_string(r.imported), "", r.ok ? "ok" : "FAILED"});
  std::cout << table.text();
  std::string stages;
  for (const auto& s : r.stages) stages += (stages.empty() ? "" : ", ") + s.stage + " " + seconds_text(s.seconds) + "s";
  std::cout << "stages (wall-clock, overlapping): " << stages << "; total " << seconds_text(r.seconds) << "s\n";
}

}  // namespace

int report(int argc, char** argv) {
  cxxopts::Options options("mm-manifest report", "Write mm-run's report (OUT, JSON) from MANIFEST: its plan records (from mm-npy's plan), unflushed records (mm-meta) and the last mm-bulkinsert summary; print the report as a table on stdout (not with -q) and what the 1.x WAL left behind as a warning. Exit status 3 when the report is written but not ok: a partition's imported rows differ from its 1.x live rows, or --exit-status is not 0.");
  options.add_options("Report")
    ("o,out", "the report file (written whole, then renamed into place)", cxxopts::value<std::string>(), "OUT")
    ("stages", "a file of stages mm-run timed: NAME, START, END, EXIT per line, tab-separated; repeat", cxxopts::value<std::vector<std::string>>(), "FILE")
    ("config", "the configuration file, named in the report", cxxopts::value<std::string>()->default_value(""), "FILE")
    ("began", "when the run began, in seconds since the epoch", cxxopts::value<double>()->default_value("0"), "S")
    ("ended", "when it ended", cxxopts::value<double>()->default_value("0"), "S")
    ("exit-status", "the run's exit status so far", cxxopts::value<int>()->default_value("0"), "N");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;
  if (!result.count("out")) bad_usage("--out OUT is required");

  std::vector<records::PartitionPlan> plan;
  std::vector<records::Unflushed> unflushed;
  std::optional<records::BulkinsertSummary> imported;
  ManifestReader in(result["manifest"].as<std::string>());
  rapidjson::Document record;
  while (in.next(record)) {
    at_record(in, [&] {
      const std::string kind = kind_of(record);
      if (kind == "plan") plan.push_back(records::read_plan(record));
      if (kind == "unflushed") {
        records::Unflushed u;
        u.changes = records::read_unflushed(record, u.wal_dir);
        unflushed.push_back(u);
      }
      if (kind == "summary" && get_string_or(record, "tool", "") == "mm-bulkinsert")
        imported = std::get<records::BulkinsertSummary>(records::read_summary(record));
    });
  }
  if (!imported) bad_data(in.where() + ": no mm-bulkinsert summary: nothing to report");

  auto report = records::make_report(plan, *imported, result["exit-status"].as<int>());
  report.config = result["config"].as<std::string>();
  report.seconds = result["ended"].as<double>() - result["began"].as<double>();
  report.unflushed = unflushed;
  if (result.count("stages"))
    for (const auto& path : result["stages"].as<std::vector<std::string>>()) {
      std::ifstream file(path);
      if (!file) fail_errno(path, "cannot read the stages", errno);
      for (auto& s : records::read_stages(file, path)) report.stages.push_back(s);
    }
  replace_file(result["out"].as<std::string>(), records::to_json(report));

  if (verbosity() >= 1) print_table(report);
  std::string left;
  for (const auto& u : unflushed)
    left += (left.empty() ? "" : "; ") + u.changes.collection + (u.changes.tag.empty() ? "" : "/" + u.changes.tag) + ": " +
            std::to_string(u.changes.insert_rows) + " rows inserted, " + std::to_string(u.changes.delete_ids) + " ids deleted";
  if (!left.empty()) log_warning("left behind in the 1.x WAL (milvusmm.ignoreUnflushed): " + left);
  return report.ok ? kExitOk : kExitBadData;
}

}  // namespace mm::manifest_cmd
