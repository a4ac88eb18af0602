// mm-npy: converts scanned segment records into NumPy import groups, several chunks of them at once.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "../cli/cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "milvus1x/names.hpp"
#include "npy/group_writer.hpp"
#include "npy/partition_plan.hpp"
#include "records/catalog.hpp"
#include "records/summary.hpp"
#include "record_filter.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::npy;

namespace {

struct PartitionTotals {
  uint64_t rows = 0, groups = 0;
};

int run(int argc, char** argv) {
  cxxopts::Options options("mm-npy", "Convert the scanned segment records of MANIFEST (default: stdin) into NumPy import groups under --out, dropping deleted rows, and print a group record per group on stdout. Other records pass through.");
  options.add_options("Conversion")
    ("out", "output directory; groups go to OUT/<collection>/<partition>/<group>/", cxxopts::value<std::string>(), "DIR")
    ("group-size", "largest group payload (vectors + ids), e.g. 512M, 4G; at most 16G", cxxopts::value<std::string>()->default_value("1G"), "SIZE")
    ("first-group-size", "largest payload of each collection's first group (its others go up to --group-size), so that the first import starts within seconds", cxxopts::value<std::string>()->default_value("64M"), "SIZE")
    ("chunk-size", "payload one worker writes at a time; a group's chunks are shared among the workers, so groups finish one after another", cxxopts::value<std::string>()->default_value("64M"), "SIZE")
    ("j,jobs", "chunks written at once", cxxopts::value<unsigned>()->default_value(std::to_string(std::max(1u, std::thread::hardware_concurrency()))), "N")
    ("id-field", "2.x primary key field name (names the id file)", cxxopts::value<std::string>()->default_value("id"), "NAME")
    ("vector-field", "2.x vector field name (names the vector file)", cxxopts::value<std::string>()->default_value("data"), "NAME")
    ("announce-chunks", "print a chunk record as each chunk of a group is written (the byte ranges now final in its temporary files), so that mm-upload can send them before the group is complete")
    ("plan", "write nothing: print one plan record per partition (live rows, bytes, groups at --group-size and --first-group-size), as the conversion would cut them; no --out");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;
  uint64_t group_bytes = cli::parse_size("--group-size", result["group-size"].as<std::string>());
  if (group_bytes > kMaxGroupBytes) bad_usage("--group-size: at most 16G (Milvus 2.x imports at most 16 GiB per group)");
  if (group_bytes == 0) bad_usage("--group-size: at least 1 byte");
  // 16G means as much as Milvus takes: its limit counts the NumPy headers too.
  group_bytes = std::min(group_bytes, kMaxGroupPayload);
  const uint64_t first_group_bytes = cli::parse_size("--first-group-size", result["first-group-size"].as<std::string>());
  if (first_group_bytes == 0) bad_usage("--first-group-size: at least 1 byte");
  if (result.count("plan")) {
    ManifestReader in(result["manifest"].as<std::string>());
    ManifestWriter out;
    PlanTally tally(group_bytes, first_group_bytes);
    rapidjson::Document record;
    while (in.next(record)) at_record(in, [&] { tally.add(record); });
    for (const auto& plan : tally.finish()) out.write_line(records::to_json(plan));
    return kExitOk;
  }
  if (!result.count("out")) bad_usage("--out DIR is required");
  const std::string out_dir = result["out"].as<std::string>();
  const uint64_t chunk_bytes = cli::parse_size("--chunk-size", result["chunk-size"].as<std::string>());
  if (chunk_bytes == 0) bad_usage("--chunk-size: at least 1 byte");
  const unsigned jobs = result["jobs"].as<unsigned>();
  if (jobs == 0) bad_usage("--jobs: at least 1");
  FieldNames fields{result["id-field"].as<std::string>(), result["vector-field"].as<std::string>()};
  if (fields.id == fields.vector) bad_usage("--id-field and --vector-field must differ");
  for (const auto& name : {fields.id, fields.vector})
    if (!milvus1x::is_valid_2x_name(name)) bad_usage("\"" + name + "\" is not a valid Milvus 2.x field name");

  ManifestReader in(result["manifest"].as<std::string>());
  ManifestWriter out;
  GroupPlanner planner(group_bytes, first_group_bytes);
  Progress progress("converted", 0, 0);
  std::mutex totals_mutex;
  std::map<std::pair<std::string, std::string>, PartitionTotals> totals;
  uint64_t reused = 0;

  // A finished group: counted, and its record printed.
  auto done = [&](const GroupWriter& group) {
    const GroupPlan& plan = group.plan();
    if (group.output().reused) progress.add(0, plan.rows * (plan.row_bytes() + 8));
    progress.add(1, 0, plan.rows);
    std::lock_guard<std::mutex> lock(totals_mutex);
    auto& t = totals[{plan.collection, plan.partition}];
    t.rows += plan.rows;
    t.groups += 1;
    reused += group.output().reused;
    return group_record(plan, group.output(), fields);
  };
  const uint64_t window = window_bytes(jobs);
  const bool announce = result.count("announce-chunks") > 0;
  // The chunks of the groups, in input order, so a group is finished (by whoever writes its last
  // chunk) before most of the next one is written: downstream can start on it early.
  auto chunk_works = [&](std::vector<GroupPlan> plans) {
    RecordWorks works;
    for (auto& plan : plans) {
      auto group = std::make_shared<GroupWriter>(std::move(plan), out_dir, fields);
      auto chunks = group->chunks(chunk_bytes);
      if (chunks.empty()) {
        works.push_back([&, group] { return done(*group); });
        continue;
      }
      auto left = std::make_shared<std::atomic<size_t>>(chunks.size());
      for (const auto& chunk : chunks)
        works.push_back([&, group, left, chunk] {
          group->write(chunk, window, [&](uint64_t bytes) { progress.add(0, bytes); });
          if (--*left > 0) return announce ? records::to_json(group->announcement(chunk, fields)) : std::string();
          group->finish();
          return done(*group);
        });
    }
    return works;
  };
  run_filter(
      in, out, {{"segment"}, jobs, false},
      [&](const rapidjson::Document& record, const std::string&) {
        auto segment = records::read_segment(record);
        if (!segment.scanned) bad_data("segment " + segment.segment_id + " has not been scanned (run mm-scan first)");
        return chunk_works(planner.add(segment));
      },
      [&] { return chunk_works(planner.finish()); });
  progress.finish();

  records::NpySummary summary;
  summary.reused_groups = reused;
  for (const auto& [key, t] : totals) {
    summary.rows += t.rows;
    summary.groups += t.groups;
    summary.partitions.push_back({key.first, key.second, t.rows, t.groups});
  }
  out.write_line(records::to_json(summary));
  log_info(std::to_string(summary.groups) + " groups (" + std::to_string(reused) + " complete from an earlier run), " +
           std::to_string(summary.rows) + " rows");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-npy", [&] { return run(argc, argv); });
}
