#include "storage/keys.hpp"

#include "errors.hpp"

namespace mm::storage {
namespace {

void check_segment(const std::string& name, const char* what) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos)
    bad_data(std::string("group record: ") + what + " \"" + name + "\" cannot be a path segment of an object key");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string normalize_prefix(const std::string& prefix) {
  std::string out, segment;
  auto flush = [&] {
    if (segment == "." || segment == "..") bad_usage("--prefix: \"" + prefix + "\" must not contain . or .. segments");
    if (!segment.empty()) out += (out.empty() ? "" : "/") + segment;
    segment.clear();
  };
  for (char c : prefix) {
    if (c == '/')
      flush();
    else
      segment += c;
  }
  flush();
  return out;
}

std::string object_key(const std::string& prefix, const std::string& collection, const std::string& partition,
                       const std::string& group, const std::string& field) {
  check_segment(collection, "collection");
  check_segment(partition, "partition");
  check_segment(group, "group name");
  check_segment(field, "field name");
  std::string key = prefix.empty() ? "" : prefix + "/";
  return key + collection + "/" + partition + "/" + group + "/" + field + ".npy";
}

std::string uri_encode(const std::string& text, bool keep_slash) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out += char(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string uri_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += char(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace mm::storage
