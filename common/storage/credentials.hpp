// Access keys for S3-style stores. They live only in memory: never printed, logged, or put in a
// record or an error message.
#pragma once
#include <optional>
#include <string>

namespace mm::storage {

struct Credentials {
  std::string access_key, secret_key, session_token;
  bool complete() const { return !access_key.empty() && !secret_key.empty(); }
};

// Parses the text of an AWS shared credentials file (INI: [profile], key = value, # or ; comments)
// and returns the keys of `profile`, or nothing when that profile is not in it.
std::optional<Credentials> parse_credentials_file(const std::string& text, const std::string& profile);

// Reads the file; nothing when it does not exist. Fails when it exists but cannot be read, or
// names the profile without both keys.
std::optional<Credentials> read_credentials_file(const std::string& path, const std::string& profile);

}  // namespace mm::storage

namespace mm::storage {

// Where keys may come from, in the order they are tried. The caller reads the environment.
struct CredentialSources {
  std::optional<Credentials> env;  // both keys set in the environment
  std::string file;                // shared credentials file
  bool file_required = false;      // named explicitly: it must exist and hold the profile
  std::string profile = "default";
  bool use_iam = false;            // instance role from the EC2 metadata service
  std::string imds_endpoint = "http://169.254.169.254";
  std::string env_names = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";  // for the error message
};

// The first complete set of keys; fails (kExitUsage) naming what was tried when there is none.
// `source` is set to a description without secrets, for the verbose log.
Credentials resolve_credentials(const CredentialSources& sources, std::string& source);

}  // namespace mm::storage
