// mm-progress's reader of the tools' --log-format json lines: parse_log_line on any line, and
// a message written by json_message_line must read back as itself (valid UTF-8).
#include "fuzz_common.hpp"
#include "log_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  const std::string line(reinterpret_cast<const char*>(data), size);
  mm::fuzz::expect_refusal_only([&] {
    (void)mm::parse_log_line(line);
    const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1764000000));
    auto back = mm::parse_log_line(mm::json_message_line("mm-scan", "warning", line, t));
    mm::fuzz::require(back.has_value(), "json_message_line's line parses");
    mm::fuzz::require(back->message == mm::valid_utf8(line), "a message reads back as written");
    mm::fuzz::require(back->level == "warning" && back->tool == "mm-scan", "level and tool read back");
  });
  return 0;
}
