// The error record (man/mm-manifest.5): a segment a --keep-going run could not handle.
#pragma once
#include <string>

namespace mm::records {

struct ErrorRecord {
  std::string tool, collection, segment_id, message;
};

std::string to_json(const ErrorRecord& e);

}  // namespace mm::records
