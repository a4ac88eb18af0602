// Sizes as people write them: "64M", "5MiB", "1G", "1048576" (a whole number, an optional binary
// unit). Shared by the tools' flags and mm-config's keys.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace mm {

// Nothing when `text` is not such a size (or too large for 64 bits).
std::optional<uint64_t> parse_size(const std::string& text);

}  // namespace mm
