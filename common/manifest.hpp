// JSON Lines manifests: one self-contained record per line, each with a "kind".
#pragma once
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "errors.hpp"

namespace mm {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Reads records from a file, or from stdin when the path is "-".
class ManifestReader {
 public:
  explicit ManifestReader(const std::string& path);
  ~ManifestReader();
  ManifestReader(const ManifestReader&) = delete;
  ManifestReader& operator=(const ManifestReader&) = delete;

  // Parses the next non-empty line into `record`; false at end of input.
  // The raw line stays available for records passed through unchanged.
  bool next(rapidjson::Document& record);
  const std::string& line() const { return line_; }
  // "NAME:LINE" for error messages.
  std::string where() const;

 private:
  std::string name_;
  FILE* file_;
  bool owned_;
  std::string line_;
  uint64_t line_no_ = 0;
};

// Runs `work` on the record `in` just read: a bad-data error it throws (exit 3) gets the
// manifest's FILE:LINE in front, so a hand-made or damaged manifest says where.
template <typename Work>
void at_record(const ManifestReader& in, Work&& work) {
  try {
    work();
  } catch (const Error& e) {
    if (e.exit_code() != kExitBadData) throw;
    throw Error(e.exit_code(), in.where() + ": " + e.what());
  }
}

// Writes whole lines to stdout; safe to call from several threads.
class ManifestWriter {
 public:
  void write_line(const std::string& json);

 private:
  std::mutex mutex_;
};

std::string to_json(const rapidjson::Value& value);

// Parses outside JSON without recursion (a line of 200 000 '[' must not overflow the stack), and
// refuses nesting deeper than kMaxJsonDepth, which no record of ours has, so that writing a
// record back (to_json) cannot recurse deeply either. False on either, or on a syntax error.
constexpr int kMaxJsonDepth = 64;
bool parse_json(rapidjson::Document& doc, const char* text, size_t length);
inline bool parse_json(rapidjson::Document& doc, const std::string& text) { return parse_json(doc, text.data(), text.size()); }

// Field accessors that name the missing or mistyped field in their error (kExitBadData).
const char* kind_of(const rapidjson::Value& record);
std::string get_string(const rapidjson::Value& record, const char* field);
std::string get_string_or(const rapidjson::Value& record, const char* field, const std::string& fallback);
int64_t get_int(const rapidjson::Value& record, const char* field);
uint64_t get_uint(const rapidjson::Value& record, const char* field);

}  // namespace mm
