// Builds one JSON record a field at a time, in the order the fields are given, strings escaped:
// the writer behind every record but the group (common/records/).
#pragma once
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>

namespace mm::records {

class Record {
 public:
  // kind, then tool for a summary
  explicit Record(const char* kind, const char* tool = nullptr) {
    w_.StartObject();
    text("kind", kind);
    if (tool) text("tool", tool);
  }
  Record(const Record&) = delete;
  Record& operator=(const Record&) = delete;
  Record& text(const char* key, const std::string& value) {
    w_.Key(key);
    w_.String(value.c_str(), rapidjson::SizeType(value.size()));
    return *this;
  }
  Record& count(const char* key, uint64_t value) {
    w_.Key(key);
    w_.Uint64(value);
    return *this;
  }
  Record& integer(const char* key, int64_t value) {
    w_.Key(key);
    w_.Int64(value);
    return *this;
  }
  Record& flag(const char* key, bool value) {
    w_.Key(key);
    w_.Bool(value);
    return *this;
  }
  // `json`: an object already written as JSON
  Record& raw_object(const char* key, const std::string& json) {
    w_.Key(key);
    w_.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
    return *this;
  }
  Record& null(const char* key) {
    w_.Key(key);
    w_.Null();
    return *this;
  }
  // An array of objects, each written by `item(Record&, element)` between its braces.
  template <typename List, typename Item>
  Record& array(const char* key, const List& list, Item item) {
    w_.Key(key);
    w_.StartArray();
    for (const auto& element : list) {
      w_.StartObject();
      item(*this, element);
      w_.EndObject();
    }
    w_.EndArray();
    return *this;
  }
  std::string done() {
    w_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> w_{buffer_};
};

}  // namespace mm::records
