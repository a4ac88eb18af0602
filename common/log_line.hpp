// The JSON log line (--log-format json): one object per stderr line, written by every tool and read
// back by mm-progress. Both sides live here so the shape is defined once (see mm-progress(1)).
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace mm {

enum class LogFormat { Text, Json };

struct ProgressEvent {
  std::string tool, stage;
  uint64_t items = 0, bytes = 0, rows = 0, total_items = 0, total_bytes = 0;
  double seconds = 0;  // since the stage started
  bool final = false;
  std::string detail;  // what is going on now, e.g. the stages of running imports ("" when nothing)
};

// A parsed line: a message (level error, warning, info, debug) or, with level "progress", an event.
struct LogLine {
  std::string time, tool, level, message;
  ProgressEvent progress;
};

// "2026-11-25T04:08:35.123Z"
std::string utc_timestamp(std::chrono::system_clock::time_point t);
// One line each, without the newline.
std::string json_message_line(const std::string& tool, const std::string& level, const std::string& message,
                              std::chrono::system_clock::time_point t);
std::string json_progress_line(const ProgressEvent& event, std::chrono::system_clock::time_point t);
// Nothing when `line` is not a log line of ours: mm-progress then passes it through unchanged.
std::optional<LogLine> parse_log_line(const std::string& line);

// Invalid UTF-8 bytes replaced by U+FFFD, so any message (a path, a server's reply) makes valid JSON.
std::string valid_utf8(const std::string& text);

}  // namespace mm
