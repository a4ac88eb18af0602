// Writes one import group as <out>/<collection>/<partition>/<name>/{<id field>.npy,<vector field>.npy}.
// The directory is built under a temporary name and renamed into place when complete, so a
// directory with the final name is always whole; a rerun reuses it instead of writing it again.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "npy/group_plan.hpp"

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

// `progress(bytes)` is called as payload is copied.
GroupOutput write_group(const GroupPlan& plan, const std::string& out_dir, const FieldNames& fields,
                        const std::function<void(uint64_t)>& progress);

// The group record: collection, partition, tag, name, dir, rows, bytes, dim, vector, files, pieces, reused.
std::string group_record(const GroupPlan& plan, const GroupOutput& out, const FieldNames& fields);

}  // namespace mm::npy
