// The plan record (man/mm-manifest.5): what mm-npy --plan counts for one 1.x partition.
#pragma once
#include <rapidjson/document.h>

#include <cstdint>
#include <string>

namespace mm::records {

struct PartitionPlan {
  std::string collection, partition, tag;
  uint64_t segments = 0, live = 0, bytes = 0, groups = 0;  // bytes: vectors and ids
};

// Adds the counts of `plan` (not its names): the plan of several partitions together.
PartitionPlan& operator+=(PartitionPlan& total, const PartitionPlan& plan);

std::string to_json(const PartitionPlan& plan);
PartitionPlan read_plan(const rapidjson::Value& record);

}  // namespace mm::records
