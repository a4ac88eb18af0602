#include "npy/partition_plan.hpp"

#include "errors.hpp"
#include "manifest.hpp"
#include "records/catalog.hpp"

namespace mm::npy {

PartitionPlan& PlanTally::entry(const std::string& collection, const std::string& partition, const std::string& tag) {
  auto& p = partitions_[{collection, partition}];
  p.collection = collection, p.partition = partition, p.tag = tag;
  return p;
}

void PlanTally::count(const std::vector<GroupPlan>& groups) {
  for (const auto& g : groups) ++partitions_[{g.collection, g.partition}].groups;
}

void PlanTally::add(const rapidjson::Value& record) {
  const std::string kind = kind_of(record);
  if (kind == "collection") {
    entry(records::read_collection(record).name, "_default", "");
  } else if (kind == "partition") {
    const auto p = records::read_partition(record);
    entry(p.collection, p.name, p.tag);
  } else if (kind == "segment") {
    const auto segment = records::read_segment(record);
    if (!segment.scanned) bad_data("segment " + segment.segment_id + " has not been scanned (run mm-scan first)");
    auto& p = entry(segment.collection, segment.partition, segment.tag);
    ++p.segments;
    p.live += segment.live;
    p.bytes += segment.live * (milvus1x::row_bytes(segment.dim, segment.vector) + 8);
    count(planner_.add(segment));
  }
}

std::vector<PartitionPlan> PlanTally::finish() {
  count(planner_.finish());
  std::vector<PartitionPlan> out;
  for (auto& [key, plan] : partitions_) out.push_back(plan);
  return out;
}

}  // namespace mm::npy
