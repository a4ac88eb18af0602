#include "npy/partition_plan.hpp"

#include "errors.hpp"
#include "manifest.hpp"

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
    entry(get_string(record, "collection"), "_default", "");
  } else if (kind == "partition") {
    entry(get_string(record, "collection"), get_string(record, "partition"), get_string(record, "tag"));
  } else if (kind == "segment") {
    const auto segment = milvus1x::segment_from_record(record);
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

std::string to_json(const PartitionPlan& p) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  auto text = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), rapidjson::SizeType(value.size()));
  };
  auto number = [&](const char* key, uint64_t value) {
    w.Key(key);
    w.Uint64(value);
  };
  w.StartObject();
  text("kind", "plan");
  text("collection", p.collection);
  text("partition", p.partition);
  text("tag", p.tag);
  number("segments", p.segments);
  number("live", p.live);
  number("bytes", p.bytes);
  number("groups", p.groups);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace mm::npy
