#include "manifest.hpp"

#include <cerrno>
#include <cmath>

#include "errors.hpp"

namespace mm {

ManifestReader::ManifestReader(const std::string& path) : name_(path == "-" ? "stdin" : path) {
  if (path == "-") {
    file_ = stdin;
    owned_ = false;
  } else {
    file_ = std::fopen(path.c_str(), "r");
    if (!file_) fail_errno(path, "cannot open manifest", errno);
    owned_ = true;
  }
}

ManifestReader::~ManifestReader() {
  if (owned_) std::fclose(file_);
}

bool ManifestReader::next(rapidjson::Document& record) {
  char* buf = nullptr;
  size_t cap = 0;
  for (;;) {
    ssize_t n = getline(&buf, &cap, file_);
    if (n < 0) {
      bool error = std::ferror(file_);
      std::free(buf);
      if (error) fail_errno(name_, "cannot read manifest", errno);
      return false;
    }
    ++line_no_;
    line_.assign(buf, size_t(n));
    while (!line_.empty() && (line_.back() == '\n' || line_.back() == '\r')) line_.pop_back();
    if (line_.find_first_not_of(" \t") == std::string::npos) continue;
    std::free(buf);
    if (!parse_json(record, line_) || !record.IsObject())
      bad_data(where() + (record.HasParseError() ? ": not a JSON object" : ": not a JSON object of at most " + std::to_string(kMaxJsonDepth) + " levels"));
    if (!record.HasMember("kind") || !record["kind"].IsString()) bad_data(where() + ": record has no \"kind\"");
    return true;
  }
}

std::string ManifestReader::where() const { return name_ + ":" + std::to_string(line_no_); }

void ManifestWriter::write_line(const std::string& json) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fputc('\n', stdout);
  // Flush each record so the next stage of the pipe can start on it at once.
  if (std::fflush(stdout) != 0) fail_errno("stdout", "cannot write manifest", errno);
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {
// RapidJSON reads "10E308" as infinity, which it then cannot write back: such a number is refused.
// (Recursion is bounded by kMaxJsonDepth.)
bool finite(const rapidjson::Value& v) {
  if (v.IsDouble()) return std::isfinite(v.GetDouble());
  if (v.IsArray())
    for (const auto& item : v.GetArray())
      if (!finite(item)) return false;
  if (v.IsObject())
    for (const auto& member : v.GetObject())
      if (!finite(member.value)) return false;
  return true;
}
}  // namespace

bool parse_json(rapidjson::Document& doc, const char* text, size_t length) {
  // The depth first, outside strings: the parser itself would build the whole tree.
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < length; ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        doc.SetNull();
        return false;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  doc.Parse<rapidjson::kParseIterativeFlag>(text, length);
  return !doc.HasParseError() && finite(doc);
}

namespace {
// Field lookups on a value that is not an object would assert (RapidJSON): every accessor checks.
const rapidjson::Value& object_or_fail(const rapidjson::Value& record, const char* field) {
  if (!record.IsObject()) bad_data(std::string("expected a JSON object holding \"") + field + "\", found " +
                                   (record.IsArray() ? "an array" : record.IsString() ? "a string" : record.IsNumber() ? "a number" : "another value"));
  return record;
}
}  // namespace

const char* kind_of(const rapidjson::Value& record) {
  if (!record.IsObject()) return "untyped";
  auto it = record.FindMember("kind");
  return it != record.MemberEnd() && it->value.IsString() ? it->value.GetString() : "untyped";
}

std::string get_string(const rapidjson::Value& record, const char* field) {
  auto it = object_or_fail(record, field).FindMember(field);
  if (it == record.MemberEnd() || !it->value.IsString())
    bad_data(std::string(kind_of(record)) + " record: field \"" + field + "\" missing or not a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string get_string_or(const rapidjson::Value& record, const char* field, const std::string& fallback) {
  auto it = object_or_fail(record, field).FindMember(field);
  if (it == record.MemberEnd() || it->value.IsNull()) return fallback;
  return get_string(record, field);
}

int64_t get_int(const rapidjson::Value& record, const char* field) {
  auto it = object_or_fail(record, field).FindMember(field);
  if (it == record.MemberEnd() || !it->value.IsInt64())
    bad_data(std::string(kind_of(record)) + " record: field \"" + field + "\" missing or not an integer");
  return it->value.GetInt64();
}

uint64_t get_uint(const rapidjson::Value& record, const char* field) {
  auto it = object_or_fail(record, field).FindMember(field);
  if (it == record.MemberEnd() || !it->value.IsUint64())
    bad_data(std::string(kind_of(record)) + " record: field \"" + field +
             "\" missing or not a non-negative integer");
  return it->value.GetUint64();
}

}  // namespace mm
