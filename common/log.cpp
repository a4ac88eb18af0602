#include "log.hpp"

#include <unistd.h>

#include <cstdio>

namespace mm {
namespace {
std::string g_tool = "mm";
int g_verbosity = 1;
LogFormat g_format = LogFormat::Text;
std::mutex g_stderr_mutex;

// One write per line, so lines of tools sharing one pipe (up to PIPE_BUF bytes) never interleave.
void write_stderr(const std::string& text) {
  std::lock_guard<std::mutex> lock(g_stderr_mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void emit(const char* level, const char* text_prefix, const std::string& message) {
  if (g_format == LogFormat::Json)
    write_stderr(json_message_line(g_tool, level, message, std::chrono::system_clock::now()) + "\n");
  else
    write_stderr(g_tool + ": " + text_prefix + message + "\n");
}
}  // namespace

void set_tool_name(const std::string& name) { g_tool = name; }
const std::string& tool_name() { return g_tool; }
void set_verbosity(int level) { g_verbosity = level; }
int verbosity() { return g_verbosity; }
void set_log_format(LogFormat format) { g_format = format; }
LogFormat log_format() { return g_format; }

void log_error(const std::string& message) { emit("error", "error: ", message); }
void log_warning(const std::string& message) {
  if (g_verbosity >= 1) emit("warning", "warning: ", message);
}
void log_info(const std::string& message) {
  if (g_verbosity >= 1) emit("info", "", message);
}
void log_debug(const std::string& message) {
  if (g_verbosity >= 2) emit("debug", "", message);
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return buf;
}

Progress::Progress(std::string what, uint64_t total_items, uint64_t total_bytes)
    : what_(std::move(what)),
      total_items_(total_items),
      total_bytes_(total_bytes),
      tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::add(uint64_t items, uint64_t bytes, uint64_t rows) {
  std::lock_guard<std::mutex> lock(mutex_);
  items_ += items;
  bytes_ += bytes;
  rows_ += rows;
  maybe_draw();
}

void Progress::set_detail(std::string detail) {
  std::lock_guard<std::mutex> lock(mutex_);
  detail_ = std::move(detail);
  maybe_draw();  // every call, so that the latest detail shows within one interval
}

// Called with the lock held.
void Progress::maybe_draw() {
  auto now = std::chrono::steady_clock::now();
  auto interval = g_format == LogFormat::Json ? std::chrono::milliseconds(1000)
                  : tty_                      ? std::chrono::milliseconds(200)
                                              : std::chrono::milliseconds(5000);
  if (now - last_draw_ >= interval) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  detail_.clear();
  draw(true);
}

void Progress::draw(bool final_line) {
  if (g_verbosity < 1) return;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (g_format == LogFormat::Json) return draw_json(final_line, seconds);
  double rate = seconds > 0 ? bytes_ / seconds : 0;
  char line[256];
  if (total_bytes_ > 0) {
    double fraction = double(bytes_) / double(total_bytes_);
    double eta = rate > 0 ? (total_bytes_ - bytes_) / rate : 0;
    std::snprintf(line, sizeof line, "%s %llu/%llu, %s/%s (%3.0f%%), %s/s, ETA %.0f s", what_.c_str(),
                  (unsigned long long)items_, (unsigned long long)total_items_, human_bytes(bytes_).c_str(),
                  human_bytes(total_bytes_).c_str(), fraction * 100, human_bytes(rate).c_str(), eta);
  } else {
    std::snprintf(line, sizeof line, "%s %llu, %s, %s/s", what_.c_str(), (unsigned long long)items_,
                  human_bytes(bytes_).c_str(), human_bytes(rate).c_str());
  }
  std::string text = line;
  if (!detail_.empty()) text += "; " + detail_;
  if (tty_)
    write_stderr("\r\033[K" + g_tool + ": " + text + (final_line ? "\n" : ""));
  else
    write_stderr(g_tool + ": " + text + "\n");
}

void Progress::draw_json(bool final_line, double seconds) {
  ProgressEvent e{g_tool, what_, items_, bytes_, rows_, total_items_, total_bytes_, seconds, final_line, detail_};
  write_stderr(json_progress_line(e, std::chrono::system_clock::now()) + "\n");
}

}  // namespace mm
