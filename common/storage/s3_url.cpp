#include "storage/s3_url.hpp"

#include <algorithm>

#include "storage/keys.hpp"

namespace mm::storage {

std::string aws_s3_host(const std::string& region) { return "s3." + region + ".amazonaws.com"; }

std::string s3_url(const S3Address& address, const std::string& key, const std::string& query) {
  std::string url = address.use_ssl ? "https://" : "http://";
  if (address.path_style) {
    url += address.host + "/" + uri_encode(address.bucket, false);
    if (!key.empty()) url += "/" + uri_encode(key, true);
  } else {
    url += address.bucket + "." + address.host + "/" + uri_encode(key, true);
  }
  if (!query.empty()) url += "?" + query;
  return url;
}

std::string canonical_query(std::vector<std::pair<std::string, std::string>> params) {
  for (auto& [name, value] : params) {
    name = uri_encode(name, false);
    value = uri_encode(value, false);
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) out += (out.empty() ? "" : "&") + name + "=" + value;
  return out;
}

}  // namespace mm::storage
