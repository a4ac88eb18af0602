// The store record (man/mm-manifest.5): where mm-upload put the groups, for mm-bulkinsert's probe.
#pragma once
#include <rapidjson/document.h>

#include <string>

namespace mm::records {

struct StoreRecord {
  std::string prefix;
  std::string store;  // the store's specification, a JSON object without any secret
};

std::string to_json(const StoreRecord& store);
// Refuses (kExitBadData) a store record whose "store" is not an object.
StoreRecord read_store(const rapidjson::Value& record);

}  // namespace mm::records
