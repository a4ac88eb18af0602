#include "ordered_output.hpp"

namespace mm {

uint64_t OrderedOutput::reserve() {
  std::lock_guard<std::mutex> lock(mutex_);
  return reserved_++;
}

void OrderedOutput::complete(uint64_t slot, std::string line) {
  std::lock_guard<std::mutex> lock(mutex_);
  waiting_.emplace(slot, std::move(line));
  for (auto it = waiting_.begin(); it != waiting_.end() && it->first == printed_; it = waiting_.erase(it), ++printed_)
    if (!it->second.empty()) out_.write_line(it->second);
}

}  // namespace mm
