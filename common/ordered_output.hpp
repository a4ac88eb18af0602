// Lines printed in the order their slots were taken, whatever order they are completed in: a
// tool that works on several records at once keeps the manifest's order, on which later steps
// depend (mm-npy packs consecutive segments of a partition into one group).
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "manifest.hpp"

namespace mm {

class OrderedOutput {
 public:
  explicit OrderedOutput(ManifestWriter& out) : out_(out) {}
  uint64_t reserve();
  // Prints `line` ("" prints nothing) once every earlier slot is complete, with any later lines
  // that were waiting for it. Thread-safe.
  void complete(uint64_t slot, std::string line);

 private:
  ManifestWriter& out_;
  std::mutex mutex_;
  uint64_t reserved_ = 0, printed_ = 0;
  std::map<uint64_t, std::string> waiting_;
};

}  // namespace mm
