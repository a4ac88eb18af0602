#include "records/store.hpp"

#include "records/record_builder.hpp"

namespace mm::records {

std::string to_json(const StoreRecord& s) {
  return Record("store", "mm-upload").text("prefix", s.prefix).raw_object("store", s.store).done();
}

}  // namespace mm::records
