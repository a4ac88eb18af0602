// Writes one import group as <out>/<collection>/<partition>/<name>/{<id field>.npy,<vector field>.npy}.
// The directory is built under a temporary name and renamed into place when complete, so a
// directory with the final name is always whole; a rerun reuses it instead of writing it again.
// A group is cut into chunks that several threads write at once, each at its own place in the
// files, so that groups can be finished one after another while every worker stays busy.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "npy/group_plan.hpp"
#include "records/chunk.hpp"

namespace mm::npy {

struct FieldNames {
  std::string id = "id";
  std::string vector = "data";
};

struct GroupOutput {
  std::string dir, id_path, vector_path;
  uint64_t bytes = 0;   // both files, headers included
  bool reused = false;  // found complete from an earlier run
};

// `rows` live rows of piece `piece` of the plan, from its live row `first_live` (counted in the
// segment), written at row `out_row` of the group.
struct Chunk {
  size_t piece = 0;
  uint64_t first_live = 0, rows = 0, out_row = 0;
};

// The read window of one chunk writer (rows read, filtered and written per step): 4 MiB, smaller
// when many write at once, so that `jobs` writers together hold at most 32 MiB; never below 256 KiB.
uint64_t window_bytes(unsigned jobs);

class GroupWriter {
 public:
  // Reuses a complete group of an earlier run, else creates the temporary directory and the files.
  GroupWriter(GroupPlan plan, const std::string& out_dir, const FieldNames& fields);
  // Removes the temporary directory unless finish() renamed it into place.
  ~GroupWriter();
  GroupWriter(const GroupWriter&) = delete;
  GroupWriter& operator=(const GroupWriter&) = delete;

  const GroupPlan& plan() const { return plan_; }
  const GroupOutput& output() const { return out_; }
  // The group's rows in order, cut into chunks of about `chunk_bytes` of payload; none when reused.
  // Called once, before the chunks are written.
  std::vector<Chunk> chunks(uint64_t chunk_bytes);
  // Writes one chunk; any number of chunks may be written at once. `progress(bytes)` is called as
  // payload is copied.
  void write(const Chunk& chunk, uint64_t window_bytes, const std::function<void(uint64_t)>& progress);
  // Once every chunk is written: syncs, checks the sizes, renames into place.
  void finish();
  // The byte ranges of the temporary files a written chunk made final (the first chunk's include
  // the headers), for mm-upload to send before the group is complete.
  records::Chunk announcement(const Chunk& chunk, const FieldNames& fields) const;

 private:
  // Closes the files and removes the temporary directory, unless the group was renamed into place.
  void abandon();
  // The sorted deleted rows of a piece's segment: read by the first of its chunks, shared by the
  // others, dropped after the last, so a segment's deleted_docs is read and sorted once per piece.
  std::shared_ptr<const std::vector<uint32_t>> deleted_rows(size_t piece);

  struct PieceDeletes {
    std::mutex mutex;
    std::shared_ptr<const std::vector<uint32_t>> rows;
    size_t chunks_left = 0;
  };
  std::unique_ptr<PieceDeletes[]> deleted_;

  GroupPlan plan_;
  GroupOutput out_;
  std::string tmp_dir_, parent_dir_, id_tmp_, vector_tmp_;
  uint64_t id_header_ = 0, vector_header_ = 0;
  int id_fd_ = -1, vector_fd_ = -1;
  bool finished_ = false;
};

// The group record: collection, partition, tag, name, dir, rows, bytes, dim, vector, files, pieces, reused.
std::string group_record(const GroupPlan& plan, const GroupOutput& out, const FieldNames& fields);

}  // namespace mm::npy
