#include "milvus1x/names.hpp"

#include <cstdint>
#include <cstdio>

namespace mm::milvus1x {
namespace {
bool is_word_char(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }
bool is_name_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

uint32_t fnv1a32(const std::string& bytes) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}
}  // namespace

bool is_valid_2x_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || !is_name_start(name[0])) return false;
  for (unsigned char c : name)
    if (!is_word_char(c)) return false;
  return true;
}

std::string partition_name_for_tag(const std::string& tag) {
  if (is_valid_2x_name(tag)) return tag;
  std::string body;
  for (unsigned char c : tag) {
    if (is_word_char(c)) {
      body += char(c);
    } else if (body.empty() || body.back() != '_') {
      body += '_';
    }
  }
  if (body.size() > 200) body.resize(200);
  if (body.empty() || !is_name_start(body[0])) body = "p_" + body;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", fnv1a32(tag));
  if (body.back() != '_') body += '_';
  return body + suffix;
}

}  // namespace mm::milvus1x
