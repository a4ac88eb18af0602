#include "log_line.hpp"
#include "manifest.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <ctime>

namespace mm {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  std::string text = valid_utf8(value);
  w.String(text.data(), rapidjson::SizeType(text.size()));
}

void put(Writer& w, const char* key, uint64_t value) {
  w.Key(key);
  w.Uint64(value);
}

// Starts the object with the fields every line has.
void begin(Writer& w, std::chrono::system_clock::time_point t, const std::string& tool, const char* level) {
  w.StartObject();
  put(w, "time", utc_timestamp(t));
  put(w, "tool", tool);
  put(w, "level", level);
}

std::string string_or(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                     : std::string();
}

uint64_t uint_or_zero(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

// The length of the valid UTF-8 sequence at text[i], or 0.
size_t utf8_sequence(const std::string& text, size_t i) {
  auto byte = [&](size_t k) { return k < text.size() ? (unsigned char)text[k] : 0u; };
  unsigned c = byte(i);
  if (c < 0x80) return 1;
  size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0) return 0;
  // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
  unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
  unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return n;
}

}  // namespace

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = std::time_t(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[80];  // room for any int, to keep -Wformat-truncation quiet
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms % 1000));
  return buf;
}

std::string json_message_line(const std::string& tool, const std::string& level, const std::string& message,
                              std::chrono::system_clock::time_point t) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  begin(w, t, tool, level.c_str());
  put(w, "message", message);
  w.EndObject();
  return buffer.GetString();
}

std::string json_progress_line(const ProgressEvent& e, std::chrono::system_clock::time_point t) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  begin(w, t, e.tool, "progress");
  put(w, "stage", e.stage);
  put(w, "items", e.items);
  put(w, "bytes", e.bytes);
  put(w, "rows", e.rows);
  put(w, "total_items", e.total_items);
  put(w, "total_bytes", e.total_bytes);
  w.Key("seconds");
  w.Double(double(int64_t(e.seconds * 1000)) / 1000);  // milliseconds are enough
  w.Key("final");
  w.Bool(e.final);
  if (!e.detail.empty()) put(w, "detail", e.detail);
  w.EndObject();
  return buffer.GetString();
}

std::optional<LogLine> parse_log_line(const std::string& line) {
  rapidjson::Document d;
  if (!parse_json(d, line.data(), line.size()) || !d.IsObject()) return std::nullopt;
  LogLine out;
  out.time = string_or(d, "time");
  out.tool = string_or(d, "tool");
  out.level = string_or(d, "level");
  if (out.tool.empty() || out.level.empty()) return std::nullopt;
  if (out.level != "progress") {
    auto it = d.FindMember("message");
    if (it == d.MemberEnd() || !it->value.IsString()) return std::nullopt;
    out.message = string_or(d, "message");
    return out;
  }
  ProgressEvent& e = out.progress;
  e.tool = out.tool;
  e.stage = string_or(d, "stage");
  if (e.stage.empty()) return std::nullopt;
  e.items = uint_or_zero(d, "items");
  e.bytes = uint_or_zero(d, "bytes");
  e.rows = uint_or_zero(d, "rows");
  e.total_items = uint_or_zero(d, "total_items");
  e.total_bytes = uint_or_zero(d, "total_bytes");
  auto seconds = d.FindMember("seconds");
  if (seconds != d.MemberEnd() && seconds->value.IsNumber()) e.seconds = seconds->value.GetDouble();
  auto final = d.FindMember("final");
  e.final = final != d.MemberEnd() && final->value.IsBool() && final->value.GetBool();
  e.detail = string_or(d, "detail");
  return out;
}

std::string valid_utf8(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = utf8_sequence(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

}  // namespace mm
