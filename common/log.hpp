// Messages and progress go to stderr, prefixed with the tool's name (text), or as one JSON object a
// line (json, see log_line.hpp); stdout carries only data.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "log_line.hpp"

namespace mm {

void set_tool_name(const std::string& name);
const std::string& tool_name();
void set_verbosity(int level);  // 0 quiet (errors only), 1 normal, 2 verbose
int verbosity();
void set_log_format(LogFormat format);
LogFormat log_format();

void log_error(const std::string& message);
void log_warning(const std::string& message);
void log_info(const std::string& message);
void log_debug(const std::string& message);

// "512 B", "1.5 MiB"
std::string human_bytes(double bytes);

// Counts work done against a known total (0: unknown). On a terminal it redraws one bar line;
// otherwise it prints a plain line at most every few seconds; in json format it writes a progress
// event at most once a second and a final one. Thread-safe.
class Progress {
 public:
  Progress(std::string what, uint64_t total_items, uint64_t total_bytes);
  // items: groups or files; rows: table rows (0 where the tool does not count them).
  void add(uint64_t items, uint64_t bytes, uint64_t rows = 0);
  // What is going on now, shown beside the counts ("" clears it).
  void set_detail(std::string detail);
  void finish();

 private:
  void draw(bool final_line);
  void draw_json(bool final_line, double seconds);
  std::mutex mutex_;
  void maybe_draw();
  std::string what_, detail_;
  uint64_t total_items_, total_bytes_, items_ = 0, bytes_ = 0, rows_ = 0;
  bool tty_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace mm
