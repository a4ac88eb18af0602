// Rows of cells as aligned text, for people: each column as wide as its widest cell, two spaces
// between columns (as column -t prints them).
#pragma once
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace mm::manifest_cmd {

class TableText {
 public:
  explicit TableText(std::vector<std::string> header) { row(std::move(header)); }
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  std::string text() const {
    std::vector<size_t> width;
    for (const auto& r : rows_)
      for (size_t i = 0; i < r.size(); ++i) {
        if (width.size() <= i) width.push_back(0);
        width[i] = std::max(width[i], r[i].size());
      }
    std::string out;
    for (const auto& r : rows_) {
      std::string line;
      for (size_t i = 0; i < r.size(); ++i) line += r[i] + (i + 1 < r.size() ? std::string(width[i] - r[i].size() + 2, ' ') : "");
      out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

// A 1.x partition tag in a table: "-" for the default partition.
inline std::string tag_or_dash(const std::string& tag) { return tag.empty() ? "-" : tag; }

// Seconds as jq prints them: 1.25, 2 (at most three decimals).
inline std::string seconds_text(double seconds) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  std::string s = text;
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace mm::manifest_cmd
