#include "records/store.hpp"

#include "errors.hpp"
#include "manifest.hpp"
#include "records/record_builder.hpp"

namespace mm::records {

std::string to_json(const StoreRecord& s) {
  return Record("store", "mm-upload").text("prefix", s.prefix).raw_object("store", s.store).done();
}

StoreRecord read_store(const rapidjson::Value& record) {
  auto it = record.FindMember("store");
  if (it == record.MemberEnd() || !it->value.IsObject()) bad_data("store record without a \"store\" object");
  return StoreRecord{get_string_or(record, "prefix", ""), mm::to_json(it->value)};
}

}  // namespace mm::records
