// Where S3 requests go: endpoint, addressing style and the canonical query that libcurl's SigV4
// signs as given.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace mm::storage {

struct S3Address {
  std::string host;  // host[:port], no scheme
  std::string bucket;
  bool use_ssl = false;
  bool path_style = true;
};

// The AWS endpoint of a region: s3.<region>.amazonaws.com.
std::string aws_s3_host(const std::string& region);

// "http(s)://host/bucket/key?query" (path style) or "http(s)://bucket.host/key?query" (virtual
// host). The key is percent-encoded per segment; an empty key addresses the bucket itself.
std::string s3_url(const S3Address& address, const std::string& key, const std::string& query);

// "a=1&b=" from name/value pairs: names sorted, both percent-encoded, '=' kept for empty values,
// which is the canonical form SigV4 requires.
std::string canonical_query(std::vector<std::pair<std::string, std::string>> params);

}  // namespace mm::storage
