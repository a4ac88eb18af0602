#include "npy/group_plan.hpp"

#include <algorithm>

#include "errors.hpp"
#include "milvus1x/names.hpp"
#include "milvus1x/segment_files.hpp"

namespace mm::npy {

GroupPlanner::GroupPlanner(uint64_t max_bytes, uint64_t first_bytes)
    : max_bytes_(max_bytes), first_bytes_(std::min(first_bytes, max_bytes)) {}

uint64_t GroupPlanner::limit_bytes(const std::string& collection) {
  if (collection != collection_) collection_ = collection, first_closed_ = false;
  return first_closed_ ? max_bytes_ : first_bytes_;
}

void GroupPlanner::check(const milvus1x::Segment& s) {
  const std::string what = "segment " + s.segment_id + " of " + s.collection + "/" + s.partition;
  for (const auto& name : {s.collection, s.partition})
    if (!milvus1x::is_valid_2x_name(name)) bad_data(what + ": \"" + name.substr(0, 200) + "\" is not a Milvus 2.x name");
  if (!seen_.insert(s.table_id + "/" + s.segment_id).second)
    bad_data(what + " appears twice in the manifest: its rows would be imported twice");
  auto shape = shapes_.emplace(s.collection, std::make_pair(s.dim, s.vector)).first->second;
  if (shape != std::make_pair(s.dim, s.vector))
    bad_data(what + " has " + milvus1x::vector_kind_name(s.vector) + " vectors of dim " + std::to_string(s.dim) +
             ", the collection's earlier segments " + milvus1x::vector_kind_name(shape.second) + " of dim " + std::to_string(shape.first));
  // live and rows come from a record: a wild value must not make the planner run away. The .rv
  // must hold exactly the rows the record promises (the check the writer makes, made early).
  const uint64_t row = milvus1x::row_bytes(s.dim, s.vector);
  if (s.live > s.rows || (row > 0 && s.rows > UINT64_MAX / row))
    bad_data(what + ": " + std::to_string(s.live) + " live of " + std::to_string(s.rows) + " rows");
  if (!s.rv.empty()) milvus1x::PayloadFile(s.rv, s.rows * row);
}

std::vector<GroupPlan> GroupPlanner::add(const milvus1x::Segment& s) {
  std::vector<GroupPlan> done;
  check(s);
  if (s.live == 0) return done;
  if (!open_.pieces.empty() && (open_.collection != s.collection || open_.partition != s.partition)) {
    auto closed = finish();
    done.insert(done.end(), closed.begin(), closed.end());
  }
  uint64_t first = 0;
  while (first < s.live) {
    if (open_.pieces.empty()) {
      open_.collection = s.collection;
      open_.partition = s.partition;
      open_.tag = s.tag;
      open_.dim = s.dim;
      open_.vector = s.vector;
      open_.name = s.segment_id + "_" + std::to_string(first);
      // A group row costs its vector plus its 8-byte id.
      open_max_rows_ = std::max<uint64_t>(1, limit_bytes(s.collection) / (milvus1x::row_bytes(s.dim, s.vector) + 8));
    }
    uint64_t take = std::min(s.live - first, open_max_rows_ - open_.rows);
    open_.pieces.push_back(Piece{s, first, take});
    open_.rows += take;
    first += take;
    if (open_.rows == open_max_rows_) {
      auto closed = finish();
      done.insert(done.end(), closed.begin(), closed.end());
    }
  }
  return done;
}

std::vector<GroupPlan> GroupPlanner::finish() {
  std::vector<GroupPlan> done;
  if (!open_.pieces.empty()) done.push_back(std::move(open_)), first_closed_ = true;
  open_ = GroupPlan{};
  return done;
}

}  // namespace mm::npy
