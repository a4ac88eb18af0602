// Cuts the stream of scanned segments into import groups: runs of live rows of one partition,
// at most `max_bytes` of payload each. A group is closed when it is full, when the partition
// changes, or at the end of input, so groups flow downstream while the input still streams.
// Each collection's first group holds at most `first_bytes`, so that the server has its first
// import within seconds, not after a whole 1 GiB group is converted and uploaded; its other
// groups go straight to `max_bytes` (every further group costs the server a fixed overhead: see
// bench/RESULTS.md). Per collection, so that a rerun of some collections (or mm-fanout's shares)
// cuts their groups exactly as the first run did.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "milvus1x/catalog.hpp"

namespace mm::npy {

constexpr uint64_t kDefaultGroupBytes = 1ull << 30;
constexpr uint64_t kDefaultFirstGroupBytes = 64ull << 20;
constexpr uint64_t kMaxGroupBytes = 16ull << 30;  // Milvus 2.x's import limit per file group
// The most payload a group takes: Milvus counts the files' NumPy headers (at most 4 KiB for two)
// in its limit too.
constexpr uint64_t kMaxGroupPayload = kMaxGroupBytes - 4096;

// A run of live rows of one segment: live rows [first_live, first_live + rows).
struct Piece {
  milvus1x::Segment segment;
  uint64_t first_live = 0;
  uint64_t rows = 0;
};

struct GroupPlan {
  std::string collection, partition, tag, name;
  int dim = 0;
  milvus1x::VectorKind vector = milvus1x::VectorKind::Float;
  std::vector<Piece> pieces;
  uint64_t rows = 0;
  uint64_t row_bytes() const { return milvus1x::row_bytes(dim, vector); }
};

class GroupPlanner {
 public:
  // first_bytes >= max_bytes: every group at max_bytes.
  GroupPlanner(uint64_t max_bytes, uint64_t first_bytes);
  // Adds a scanned segment; returns the groups this completes. Refuses (kExitBadData) a segment
  // seen before (its rows would go in twice), one whose collection had another dimension or
  // vector kind, names that are not 2.x names (they become directories), and live rows the
  // segment's .rv cannot hold.
  std::vector<GroupPlan> add(const milvus1x::Segment& segment);
  // Closes the open group, if any.
  std::vector<GroupPlan> finish();

 private:
  void check(const milvus1x::Segment& s);
  // The payload limit of the next group of `collection`.
  uint64_t limit_bytes(const std::string& collection);

  uint64_t max_bytes_, first_bytes_;
  std::string collection_;  // of the last group opened
  bool first_closed_ = false;  // collection_'s first group is closed
  uint64_t open_max_rows_ = 0;
  GroupPlan open_;
  std::set<std::string> seen_;  // table_id/segment_id
  std::map<std::string, std::pair<int, milvus1x::VectorKind>> shapes_;  // collection -> dim, kind
};

}  // namespace mm::npy
