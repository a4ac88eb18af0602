// A manifest as mm-manifest reads it (merge, report, table): every record through its typed
// reader in common/records/ by kind, summaries merged with themselves, and the report built from
// what was read. Property: a record read and written back reads back to the same line.
#include <rapidjson/document.h>

#include <optional>
#include <vector>

#include "fuzz_common.hpp"
#include "manifest.hpp"
#include "records/catalog.hpp"
#include "records/chunk.hpp"
#include "records/group.hpp"
#include "records/plan.hpp"
#include "records/report.hpp"
#include "records/store.hpp"
#include "records/summary.hpp"

namespace {

// to_json(read(line)) is a fixed point: reading it again writes the same line.
template <typename Read>
void round_trip(const rapidjson::Value& record, Read read) {
  const std::string once = mm::records::to_json(read(record));
  rapidjson::Document again;
  mm::fuzz::require(mm::parse_json(again, once), "a record written by records/ parses");
  mm::fuzz::require(mm::records::to_json(read(again)) == once, "a record reads back to the line it was written as");
}

void read_all(const std::string& path) {
  mm::ManifestReader in(path);
  rapidjson::Document record;
  std::vector<mm::records::PartitionPlan> plan;
  std::optional<mm::records::BulkinsertSummary> imported;
  while (in.next(record)) {
    const std::string kind = mm::kind_of(record);
    if (kind == "summary") {
      round_trip(record, mm::records::read_summary);
      const auto s = mm::records::read_summary(record);
      (void)mm::records::to_json(mm::records::merge(s, s));
      if (auto* b = std::get_if<mm::records::BulkinsertSummary>(&s)) imported = *b;
    }
    if (kind == "plan") {
      round_trip(record, mm::records::read_plan);
      plan.push_back(mm::records::read_plan(record));
    }
    if (kind == "verify") round_trip(record, mm::records::read_verify);
    if (kind == "collection") round_trip(record, mm::records::read_collection);
    if (kind == "partition") round_trip(record, mm::records::read_partition);
    if (kind == "store") round_trip(record, mm::records::read_store);
    if (kind == "group") round_trip(record, mm::records::read_group);
    if (kind == "chunk") round_trip(record, mm::records::read_chunk);
    if (kind == "unflushed") {
      std::string wal;
      const auto u = mm::records::read_unflushed(record, wal);
      (void)mm::records::to_json(u, wal);
    }
  }
  if (imported) (void)mm::records::to_json(mm::records::make_report(plan, *imported, 0));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  const std::string path = mm::fuzz::scratch() + "/manifest.jsonl";
  mm::fuzz::write_file(path, data, size);
  mm::fuzz::expect_refusal_only([&] { read_all(path); });
  return 0;
}
