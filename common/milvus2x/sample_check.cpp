#include "milvus2x/sample_check.hpp"

#include <algorithm>

namespace mm::milvus2x {

std::vector<SampleMiss> sample_misses(Client& client, const std::string& collection, const std::string& id_field,
                                      const std::string& vector_field,
                                      const std::vector<std::pair<int64_t, std::string>>& picked,
                                      const std::function<bool(int64_t, const std::string&)>& in_source) {
  std::vector<SampleMiss> misses;
  for (size_t begin = 0; begin < picked.size(); begin += 1000) {
    size_t end = std::min(picked.size(), begin + 1000);
    std::vector<int64_t> ids;
    for (size_t i = begin; i < end; ++i) ids.push_back(picked[i].first);
    auto found = client.query_vectors(collection, id_field, vector_field, ids);
    for (size_t i = begin; i < end; ++i) {
      auto [first, last] = found.equal_range(picked[i].first);
      bool same = false;
      for (auto it = first; it != last && !same; ++it) same = it->second == picked[i].second || in_source(it->first, it->second);
      if (!same) misses.push_back({picked[i].first, first == last});
    }
  }
  return misses;
}

}  // namespace mm::milvus2x
