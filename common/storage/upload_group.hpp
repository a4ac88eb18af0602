// Puts the files of one group record into an object store and returns the record with the
// places Milvus will read them from.
#pragma once
#include <string>

#include "records/group.hpp"
#include "storage/object_store.hpp"
#include "storage/streamed_uploads.hpp"

namespace mm::storage {

struct GroupUpload {
  std::string record;  // the group record with its upload (objects, storage, uploaded)
  uint64_t bytes = 0;
  unsigned objects = 0, written = 0;  // files in the group; those actually written this run
};

// Each file "files".<field> goes to <prefix>/<collection>/<partition>/<name>/<field>.npy.
// "objects" maps the same fields to keys (or absolute paths for local storage); "uploaded" is
// false when every object was already present and complete. A file whose upload `streamed` began
// while it was written is completed there; the others are placed whole.
GroupUpload upload_group(records::Group group, ObjectStore& store, StreamedUploads& streamed, const std::string& prefix,
                         const ProgressFn& progress);

}  // namespace mm::storage
