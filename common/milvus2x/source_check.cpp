#include "milvus2x/source_check.hpp"

#include <algorithm>
#include <memory>

#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "milvus2x/sample_check.hpp"
#include "milvus2x/schema_check.hpp"
#include "records/catalog.hpp"

namespace mm::milvus2x {

SourceChecker::SourceChecker(Client& client, const ImportJournal* journal, SourceCheckOptions options)
    : client_(client), journal_(journal), options_(std::move(options)) {}

void SourceChecker::consume(const rapidjson::Value& record) {
  std::string kind = kind_of(record);
  if (kind == "collection") {
    const auto c = records::read_collection(record);
    collections_[c.name] = {c.dim, c.vector == milvus1x::VectorKind::Binary, false};
    partitions_.push_back({c.name, "_default", "", 0, 0, -1});
  } else if (kind == "partition") {
    const auto p = records::read_partition(record);
    partitions_.push_back({p.collection, p.name, p.tag, 0, 0, -1});
  } else if (kind == "segment") {
    auto segment = records::read_segment(record);
    if (!segment.scanned) bad_data("segment " + segment.segment_id + " has not been scanned (run mm-scan first)");
    auto part = std::find_if(partitions_.begin(), partitions_.end(), [&](const PartitionCheck& p) {
      return p.collection == segment.collection && p.partition == segment.partition;
    });
    if (part == partitions_.end())
      bad_data("segment " + segment.segment_id + " of " + segment.collection + "/" + segment.partition +
               " comes before its collection or partition record");
    part->live += segment.live;
    if (segment.live > 0) segments_.push_back(std::move(segment));
  }
}

std::vector<PartitionCheck> SourceChecker::check_counts() {
  const std::string server = "milvus " + client_.address() + ": ";
  for (auto& [name, c] : collections_) {
    if (!client_.has_collection(name)) {
      problems_.push_back(server + "collection " + name + " is missing");
      continue;
    }
    if (auto problem = schema_problem(client_, name, options_.id_field, options_.vector_field, c.binary, c.dim)) {
      problems_.push_back(server + "collection " + name + ": " + *problem);
      continue;
    }
    c.present = true;
  }
  for (auto& p : partitions_) {
    if (!collections_[p.collection].present) continue;
    if (journal_) p.before = journal_->baseline(p.collection, p.partition).value_or(0);
    if (client_.has_partition(p.collection, p.partition)) p.rows = client_.partition_rows(p.collection, p.partition);
    if (p.ok()) continue;
    std::string where = p.collection + "/" + p.partition + (p.tag.empty() ? "" : " (1.x tag \"" + p.tag + "\")");
    problems_.push_back(p.rows < 0 ? server + "partition " + where + " is missing"
                                   : server + where + " has " + std::to_string(p.rows) + " rows, expected " +
                                         std::to_string(p.before + int64_t(p.live)) + " (" + std::to_string(p.before) +
                                         " before + " + std::to_string(p.live) + " live in 1.x)");
  }
  return partitions_;
}

uint64_t SourceChecker::check_sample() {
  uint64_t sampled = 0;
  if (options_.sample == 0) return 0;
  for (const auto& [name, c] : collections_)
    if (c.present) sample_collection(name, sampled);
  return sampled;
}

// Rows are picked uniformly over the collection's live rows in the 1.x files.
void SourceChecker::sample_collection(const std::string& name, uint64_t& sampled) {
  std::vector<std::unique_ptr<RowSource>> sources;
  for (const auto& s : segments_)
    if (s.collection == name) sources.push_back(segment_rows(s));
  if (sources.empty()) return;
  client_.load(name, 600);
  const auto result = milvus2x::check_sample(client_, name, options_.id_field, options_.vector_field, options_.sample, sources);
  if (result.skipped)
    log_warning(name + ": skipped " + std::to_string(result.skipped) + " sampled rows with id 2^63-1, which Milvus does not return from queries");
  const size_t bad = result.misses.size();
  if (bad > 0)
    problems_.push_back("milvus " + client_.address() + ": " + name + " id " + std::to_string(result.misses[0].id) +
                        (result.misses[0].missing ? ": not found" : ": the vector differs from the 1.x files"));
  if (bad > 1) problems_.back() += " (" + std::to_string(bad) + " of " + std::to_string(result.checked) + " sampled rows differ)";
  sampled += result.checked;
  log_info(name + ": " + std::to_string(result.checked - bad) + " of " + std::to_string(result.checked) +
           " random live rows of the 1.x files read back bit-exact");
}

}  // namespace mm::milvus2x
