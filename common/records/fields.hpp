// Reads the typed fields of one manifest record, naming the record in every refusal: the reader
// behind records::read_group, read_summary, read_plan, read_verify and read_unflushed
// (man/mm-manifest.5). The catalog records (collection, partition, segment, store) keep
// manifest.hpp's get_* accessors, whose messages ("collection record: field ...") predate it.
#pragma once
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>

#include "errors.hpp"

namespace mm::records {

class Fields {
 public:
  // `what` names the record in errors: "group g1", "mm-npy summary".
  Fields(const rapidjson::Value& record, std::string what) : record_(record), what_(std::move(what)) {
    if (!record_.IsObject()) bad_data(what_ + ": not a JSON object");
  }

  const std::string& what() const { return what_; }
  // The field, or nullptr when it is missing or null.
  const rapidjson::Value* find(const char* field) const {
    auto it = record_.FindMember(field);
    return it == record_.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
  }
  [[noreturn]] void refuse(const std::string& field, const char* what) const {
    bad_data(what_ + ": field \"" + field + "\" is not " + what);
  }
  std::optional<std::string> text(const char* field) const {
    const auto* v = find(field);
    if (!v) return std::nullopt;
    if (!v->IsString()) refuse(field, "a string");
    return std::string(v->GetString(), v->GetStringLength());
  }
  std::optional<uint64_t> count(const char* field) const {
    const auto* v = find(field);
    if (!v) return std::nullopt;
    if (!v->IsUint64()) refuse(field, "a non-negative integer");
    return v->GetUint64();
  }
  std::optional<int64_t> integer(const char* field) const {
    const auto* v = find(field);
    if (!v) return std::nullopt;
    if (!v->IsInt64()) refuse(field, "an integer");
    return v->GetInt64();
  }
  std::optional<bool> flag(const char* field) const {
    const auto* v = find(field);
    if (!v) return std::nullopt;
    if (!v->IsBool()) refuse(field, "true or false");
    return v->GetBool();
  }
  // Required fields: missing is refused as well.
  std::string need_text(const char* field) const {
    if (auto v = text(field)) return *v;
    bad_data(what_ + ": field \"" + field + "\" missing");
  }
  uint64_t need_count(const char* field) const {
    if (auto v = count(field)) return *v;
    bad_data(what_ + ": field \"" + field + "\" missing");
  }

 private:
  const rapidjson::Value& record_;
  std::string what_;
};

}  // namespace mm::records
