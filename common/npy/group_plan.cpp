#include "npy/group_plan.hpp"

#include <algorithm>

namespace mm::npy {

GroupPlanner::GroupPlanner(uint64_t max_bytes) : max_bytes_(max_bytes) {}

std::vector<GroupPlan> GroupPlanner::add(const milvus1x::Segment& s) {
  std::vector<GroupPlan> done;
  if (s.live == 0) return done;
  if (!open_.pieces.empty() && (open_.collection != s.collection || open_.partition != s.partition)) {
    auto closed = finish();
    done.insert(done.end(), closed.begin(), closed.end());
  }
  // A group row costs its vector plus its 8-byte id.
  const uint64_t max_rows = std::max<uint64_t>(1, max_bytes_ / (milvus1x::row_bytes(s.dim, s.vector) + 8));
  uint64_t first = 0;
  while (first < s.live) {
    if (open_.pieces.empty()) {
      open_.collection = s.collection;
      open_.partition = s.partition;
      open_.tag = s.tag;
      open_.dim = s.dim;
      open_.vector = s.vector;
      open_.name = s.segment_id + "_" + std::to_string(first);
    }
    uint64_t take = std::min(s.live - first, max_rows - open_.rows);
    open_.pieces.push_back(Piece{s, first, take});
    open_.rows += take;
    first += take;
    if (open_.rows == max_rows) {
      auto closed = finish();
      done.insert(done.end(), closed.begin(), closed.end());
    }
  }
  return done;
}

std::vector<GroupPlan> GroupPlanner::finish() {
  std::vector<GroupPlan> done;
  if (!open_.pieces.empty()) done.push_back(std::move(open_));
  open_ = GroupPlan{};
  return done;
}

}  // namespace mm::npy
