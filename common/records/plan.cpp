#include "records/plan.hpp"

#include "records/fields.hpp"
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

PartitionPlan& operator+=(PartitionPlan& total, const PartitionPlan& p) {
  total.segments += p.segments, total.live += p.live, total.bytes += p.bytes, total.groups += p.groups;
  return total;
}

PartitionPlan read_plan(const rapidjson::Value& record) {
  const Fields f(record, "plan record");
  return PartitionPlan{f.need_text("collection"), f.text("partition").value_or("_default"), f.text("tag").value_or(""),
                       f.count("segments").value_or(0), f.need_count("live"), f.count("bytes").value_or(0), f.count("groups").value_or(0)};
}

}  // namespace mm::records
