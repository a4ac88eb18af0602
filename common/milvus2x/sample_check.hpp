// Reads sampled source rows back from Milvus 2.x by id and tells which do not come back as they
// are in the source. Shared by mm-bulkinsert --verify-sample (source: the NumPy groups) and
// mm-verify (source: the 1.x files).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "milvus2x/client.hpp"

namespace mm::milvus2x {

struct SampleMiss {
  int64_t id = 0;
  bool missing = false;  // true: Milvus returned no row with the id; false: only other vectors
};

// A 1.x id can repeat; Milvus then returns some row with that id, which passes when `in_source`
// knows it (id, vector bytes). Queries go in batches of 1000 ids.
std::vector<SampleMiss> sample_misses(Client& client, const std::string& collection, const std::string& id_field,
                                      const std::string& vector_field,
                                      const std::vector<std::pair<int64_t, std::string>>& picked,
                                      const std::function<bool(int64_t, const std::string&)>& in_source);

}  // namespace mm::milvus2x
