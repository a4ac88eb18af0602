// Azure Storage Shared Key authorization: the canonical string a request is signed over, and
// the Authorization header made from it with the account key.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mm::storage {

struct AzureSigned {
  std::string method;
  std::string account;
  std::string path;  // the URL's encoded path: /container/blob (Azurite: /account/container/blob)
  std::vector<std::pair<std::string, std::string>> query;    // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // every header sent, as sent
  uint64_t content_length = 0;
};

std::string shared_key_string_to_sign(const AzureSigned& request);
// "SharedKey <account>:<base64 HMAC-SHA256 of the string under the decoded key>".
std::string shared_key_authorization(const std::string& account, const std::string& key_bytes,
                                     const std::string& string_to_sign);
// "Sun, 06 Nov 1994 08:49:37 GMT" for x-ms-date.
std::string http_date(long long unix_seconds);

}  // namespace mm::storage
