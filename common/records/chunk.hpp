// The chunk record (man/mm-manifest.5): mm-npy --announce-chunks says that a byte range of each
// file of a group still being written is final, so that mm-upload can send it before the group is
// complete. Only the group record says a group is complete; a chunk record never leaves mm-upload.
#pragma once
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mm::records {

// Bytes [offset, offset + length) of the temporary file at `path` are written; once complete, it
// has `size` bytes and is at `final_path`.
struct WrittenRange {
  std::string field, path, final_path;
  uint64_t size = 0, offset = 0, length = 0;
};

struct Chunk {
  std::string collection, partition, group;
  std::vector<WrittenRange> files;
};

std::string to_json(const Chunk& chunk);
// Refuses (kExitBadData) a mistyped field, or a range that does not fit in its file.
Chunk read_chunk(const rapidjson::Value& record);

}  // namespace mm::records
