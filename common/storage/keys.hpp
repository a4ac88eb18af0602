// Object keys: where a group's files go in the bucket (or under the local directory), and the
// percent-encoding that URLs and request signatures need.
#pragma once
#include <string>

namespace mm::storage {

// "/a//b/" -> "a/b"; fails (kExitUsage) on "." or ".." segments, which servers resolve differently.
std::string normalize_prefix(const std::string& prefix);

// <prefix>/<collection>/<partition>/<group>/<field>.npy; each name must be a single path segment.
std::string object_key(const std::string& prefix, const std::string& collection, const std::string& partition,
                       const std::string& group, const std::string& field);

// RFC 3986 percent-encoding as AWS SigV4 and Azure expect it: unreserved characters (A-Z a-z 0-9
// - _ . ~) stay, everything else becomes %XX (upper-case hex); '/' stays when keep_slash.
std::string uri_encode(const std::string& text, bool keep_slash);
// The reverse, for canonicalising query values; '+' is not a space here.
std::string uri_decode(const std::string& text);

}  // namespace mm::storage
