#include "records/plan.hpp"

#include "records/record_builder.hpp"

namespace mm::records {

std::string to_json(const PartitionPlan& p) {
  return Record("plan")
      .text("collection", p.collection)
      .text("partition", p.partition)
      .text("tag", p.tag)
      .count("segments", p.segments)
      .count("live", p.live)
      .count("bytes", p.bytes)
      .count("groups", p.groups)
      .done();
}

}  // namespace mm::records
