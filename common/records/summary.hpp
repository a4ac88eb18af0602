// The records a tool writes about its whole run (man/mm-manifest.5): each tool's "summary", and
// mm-verify's per-partition "verify". One type each, written in one place, strings escaped.
#pragma once
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace mm::records {

struct ScanSummary {
  uint64_t segments = 0, rows = 0, deleted = 0, live = 0, errors = 0;
};

struct FetchSummary {
  uint64_t segments = 0, objects = 0, downloaded = 0, bytes = 0, errors = 0;  // skipped = objects - downloaded
};

struct NpyPartition {
  std::string collection, partition;
  uint64_t rows = 0, groups = 0;
};
struct NpySummary {
  uint64_t groups = 0, reused_groups = 0, rows = 0;
  std::vector<NpyPartition> partitions;
};

struct UploadSummary {
  uint64_t groups = 0, objects = 0, written = 0, bytes = 0;  // skipped = objects - written
};

struct BulkinsertPartition {
  std::string collection, partition;
  int64_t baseline = 0, imported = 0;
  uint64_t imported_this_run = 0;
  int64_t rows = 0, leftover = 0, visible = 0;  // visible = rows - leftover
  bool ok = false;
};
struct BulkinsertSummary {
  std::string server, server_version;
  uint64_t imported_groups = 0, imported_rows = 0, resumed_groups = 0, resumed_rows = 0, resubmitted_groups = 0,
           reconciled_groups = 0, reconciled_rows = 0, earlier_groups = 0, earlier_rows = 0;
  std::vector<BulkinsertPartition> partitions;  // leftover_rows is their sum
};

struct VerifySummary {
  bool ok = false;
  uint64_t partitions = 0, partitions_ok = 0, live_1x = 0, sampled = 0;
};

// One partition as mm-verify found it; rows_2x < 0: unknown (written as null).
struct VerifyPartition {
  std::string collection, partition, tag;
  uint64_t live_1x = 0;
  int64_t before = 0, rows_2x = -1;
  bool ok = false;
};

// Any tool's summary, as read back (mm-manifest merge, mm-run's report).
using Summary = std::variant<ScanSummary, FetchSummary, NpySummary, UploadSummary, BulkinsertSummary, VerifySummary>;

// The tool a summary is of: "mm-scan", ...
const char* tool_of(const Summary& s);
// A "summary" record, by its "tool"; refuses (kExitBadData) an unknown tool or a mistyped field.
Summary read_summary(const rapidjson::Value& record);
// Two summaries of one tool as one, as if one run had done both shares (mm-fanout merge): counts
// add, a partition named in both adds up, ok holds when both are ok. Refuses (kExitBadData)
// summaries of different tools, or of mm-bulkinsert against different servers.
Summary merge(const Summary& a, const Summary& b);
std::string to_json(const Summary& s);

// mm-verify's "verify" record.
VerifyPartition read_verify(const rapidjson::Value& record);

std::string to_json(const ScanSummary& s);
std::string to_json(const FetchSummary& s);
std::string to_json(const NpySummary& s);
std::string to_json(const UploadSummary& s);
std::string to_json(const BulkinsertSummary& s);
std::string to_json(const VerifySummary& s);
std::string to_json(const VerifyPartition& v);

}  // namespace mm::records
