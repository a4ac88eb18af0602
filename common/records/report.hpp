// mm-run's report.json (mm-run(1)): per 1.x partition the live rows mm-scan found, the rows
// mm-bulkinsert imported and Milvus 2.x's count; the stages' wall-clock seconds; what the 1.x WAL
// left behind. Built from the plan, the unflushed records and mm-bulkinsert's summary.
#pragma once
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "milvus1x/wal_check.hpp"
#include "records/plan.hpp"
#include "records/summary.hpp"

namespace mm::records {

// Seconds are written rounded to milliseconds.
struct ReportStage {
  std::string stage;
  double seconds = 0;
  int exit_status = 0;
};

struct ReportPartition {
  std::string collection, partition, tag;
  uint64_t live_1x = 0;
  int64_t imported = 0;
  std::optional<int64_t> rows_2x;  // none: Milvus was not asked
  bool ok = false;
};

struct Unflushed {
  milvus1x::UnflushedChanges changes;
  std::string wal_dir;
};

struct Report {
  std::string config, server;
  bool ok = false;
  int exit_status = 0;
  double seconds = 0;
  std::vector<ReportStage> stages;
  uint64_t live_1x = 0, imported_this_run = 0;
  int64_t imported = 0;
  std::vector<Unflushed> unflushed;
  std::vector<ReportPartition> partitions;
};

// The stages mm-run timed: NAME<TAB>START<TAB>END<TAB>EXIT lines (seconds since the epoch).
std::vector<ReportStage> read_stages(std::istream& in, const std::string& name);

// A partition is ok when mm-bulkinsert found it ok and imported exactly its 1.x live rows; the
// report is ok when every partition is and the run's exit status is 0.
Report make_report(const std::vector<PartitionPlan>& plan, const BulkinsertSummary& imported, int exit_status);

// Indented JSON, for people and jq alike.
std::string to_json(const Report& report);

}  // namespace mm::records
