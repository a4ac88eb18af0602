#include "storage/xml.hpp"

namespace mm::storage {

namespace {

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

// The five named entities and numeric references (&#34; &#x22;), which Go servers such as MinIO
// use for quotes in ETags and for control characters in keys.
std::string xml_decode(const std::string& raw) {
  static const std::pair<const char*, char> entities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
      continue;
    }
    bool decoded = false;
    for (const auto& [name, c] : entities) {
      if (raw.compare(i, std::char_traits<char>::length(name), name) == 0) {
        out += c;
        i += std::char_traits<char>::length(name) - 1;
        decoded = true;
        break;
      }
    }
    size_t semi = raw.find(';', i);
    if (!decoded && raw.compare(i, 2, "&#") == 0 && semi != std::string::npos && semi - i <= 10) {
      const bool hex = i + 2 < raw.size() && (raw[i + 2] == 'x' || raw[i + 2] == 'X');
      const std::string digits = raw.substr(i + (hex ? 3 : 2), semi - i - (hex ? 3 : 2));
      if (!digits.empty() && digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") == std::string::npos) {
        append_utf8(out, std::stoul(digits, nullptr, hex ? 16 : 10));
        i = semi;
        decoded = true;
      }
    }
    if (!decoded) out += raw[i];
  }
  return out;
}

}  // namespace

std::string xml_text(const std::string& xml, const std::string& tag) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  size_t b = xml.find(open);
  if (b == std::string::npos) return "";
  b += open.size();
  size_t e = xml.find(close, b);
  if (e == std::string::npos) return "";
  return xml_decode(xml.substr(b, e - b));
}

std::vector<std::string> xml_elements(const std::string& xml, const std::string& tag) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  std::vector<std::string> found;
  for (size_t b = xml.find(open); b != std::string::npos; b = xml.find(open, b)) {
    b += open.size();
    size_t e = xml.find(close, b);
    if (e == std::string::npos) break;
    found.push_back(xml.substr(b, e - b));
    b = e + close.size();
  }
  return found;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace mm::storage
