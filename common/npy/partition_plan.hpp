// mm-npy --plan: per 1.x partition, what a conversion at this group size writes (live rows,
// payload bytes, import groups), counted by the real planner without writing anything.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "npy/group_plan.hpp"
#include "records/plan.hpp"

namespace mm::npy {

using records::PartitionPlan;

class PlanTally {
 public:
  PlanTally(uint64_t group_bytes, uint64_t first_group_bytes) : planner_(group_bytes, first_group_bytes) {}
  // A manifest record: collections and partitions name the partitions (empty ones included),
  // scanned segments go through the planner (which refuses what a conversion would refuse).
  void add(const rapidjson::Value& record);
  // Every partition, sorted by collection and partition name.
  std::vector<PartitionPlan> finish();

 private:
  PartitionPlan& entry(const std::string& collection, const std::string& partition, const std::string& tag);
  void count(const std::vector<GroupPlan>& groups);

  GroupPlanner planner_;
  std::map<std::pair<std::string, std::string>, PartitionPlan> partitions_;
};

}  // namespace mm::npy
