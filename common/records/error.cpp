#include "records/error.hpp"

#include "records/record_builder.hpp"

namespace mm::records {

std::string to_json(const ErrorRecord& e) {
  // tool comes second, as in a summary
  return Record("error", e.tool.c_str())
      .text("collection", e.collection)
      .text("segment_id", e.segment_id)
      .text("message", e.message)
      .done();
}

}  // namespace mm::records
