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

namespace {
// The length of the well-formed UTF-8 sequence at text[i], or 0 when there is none.
size_t utf8_sequence(const std::string& text, size_t i) {
  const auto byte = [&](size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
  unsigned c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned low = 0x80, high = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) low = 0xA0;   // overlong
    if (c == 0xED) high = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) low = 0x90;   // overlong
    if (c == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  for (size_t k = 1; k < n; ++k) {
    unsigned b = byte(i + k);
    if (b < (k == 1 ? low : 0x80) || b > (k == 1 ? high : 0xBF)) return 0;
  }
  return n;
}
}  // namespace

bool is_valid_utf8(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    size_t n = utf8_sequence(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string quoted(const std::string& value, size_t max) {
  std::string out = "\"";
  size_t shown = 0, i = 0;
  for (; i < value.size() && shown < max; ++shown) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    size_t n = utf8_sequence(value, i);
    char hex[8];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (n == 0 || c < 0x20 || c == 0x7F) {
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
      n = 1;
    } else {
      out.append(value, i, n);
    }
    i += n == 0 ? 1 : n;
  }
  out += '"';
  if (i < value.size()) out += "... (" + std::to_string(value.size()) + " bytes)";
  return out;
}

bool is_decimal_id(const std::string& id) {
  if (id.empty() || id.size() > 40) return false;
  for (unsigned char c : id)
    if (c < '0' || c > '9') return false;
  return true;
}

bool is_table_id(const std::string& id) { return is_decimal_id(id) || is_valid_2x_name(id); }

std::string shown_name(const std::string& name) { return is_table_id(name) ? name : quoted(name); }

}  // namespace mm::milvus1x
