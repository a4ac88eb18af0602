#include "storage/azure_auth.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>

#include "storage/crypto.hpp"

namespace mm::storage {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

// Trims the ends and folds inner runs of blanks into one space, as the canonical form wants.
std::string fold_blanks(const std::string& value) {
  std::string out;
  bool blank = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

}  // namespace

std::string shared_key_string_to_sign(const AzureSigned& request) {
  std::map<std::string, std::string> standard, ms;
  for (const auto& [name, value] : request.headers) {
    std::string n = lower(name);
    if (n.rfind("x-ms-", 0) == 0)
      ms[n] = fold_blanks(value);
    else
      standard[n] = value;
  }
  auto get = [&](const char* name) {
    auto it = standard.find(name);
    return it == standard.end() ? std::string() : it->second;
  };
  std::string s = request.method + "\n";
  s += get("content-encoding") + "\n" + get("content-language") + "\n";
  // Since version 2015-02-21 a zero length is written as an empty line.
  s += (request.content_length ? std::to_string(request.content_length) : "") + "\n";
  s += get("content-md5") + "\n" + get("content-type") + "\n" + get("date") + "\n";
  s += get("if-modified-since") + "\n" + get("if-match") + "\n" + get("if-none-match") + "\n";
  s += get("if-unmodified-since") + "\n" + get("range") + "\n";
  for (const auto& [name, value] : ms) s += name + ":" + value + "\n";
  s += "/" + request.account + request.path;
  std::map<std::string, std::vector<std::string>> params;
  for (const auto& [name, value] : request.query) params[lower(name)].push_back(value);
  for (auto& [name, values] : params) {
    std::sort(values.begin(), values.end());
    s += "\n" + name + ":";
    for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + values[i];
  }
  return s;
}

std::string shared_key_authorization(const std::string& account, const std::string& key_bytes,
                                     const std::string& string_to_sign) {
  return "SharedKey " + account + ":" + base64_encode(hmac_sha256(key_bytes, string_to_sign));
}

std::string http_date(long long unix_seconds) {
  std::time_t t = std::time_t(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace mm::storage
