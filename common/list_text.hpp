// Lists written as comma-separated text ("a,b"), as flags and migration.yaml give them.
#pragma once
#include <string>
#include <vector>

namespace mm {

// The items of a comma-separated list; empty items are dropped.
inline std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

}  // namespace mm
