#include "storage/credentials.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>

#include "errors.hpp"

namespace mm::storage {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

std::optional<Credentials> parse_credentials_file(const std::string& text, const std::string& profile) {
  std::istringstream in(text);
  std::string line, section;
  Credentials found;
  bool seen = false;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      // ~/.aws/config spells non-default sections "[profile NAME]"; accept that here too.
      if (section.rfind("profile ", 0) == 0) section = trim(section.substr(8));
      if (section == profile) seen = true;
      continue;
    }
    if (section != profile) continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (key == "aws_access_key_id") found.access_key = value;
    else if (key == "aws_secret_access_key") found.secret_key = value;
    else if (key == "aws_session_token") found.session_token = value;
  }
  if (!seen) return std::nullopt;
  return found;
}

std::optional<Credentials> read_credentials_file(const std::string& path, const std::string& profile) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::nullopt;
    fail_errno(path, "cannot read credentials file", errno);
  }
  std::stringstream text;
  text << in.rdbuf();
  auto creds = parse_credentials_file(text.str(), profile);
  if (creds && !creds->complete())
    bad_usage(path + ": profile [" + profile + "] lacks aws_access_key_id or aws_secret_access_key");
  return creds;
}

}  // namespace mm::storage

#include "log.hpp"
#include "storage/imds.hpp"

namespace mm::storage {

Credentials resolve_credentials(const CredentialSources& sources, std::string& source) {
  if (sources.env && sources.env->complete()) {
    if (sources.file_required || sources.use_iam)
      log_warning("keys are set in the environment; they are used, not --credentials-file, --profile or --use-iam");
    source = "environment";
    return *sources.env;
  }
  if (!sources.file.empty()) {
    auto creds = read_credentials_file(sources.file, sources.profile);
    if (creds) {
      source = sources.file + " [" + sources.profile + "]";
      return *creds;
    }
    if (sources.file_required) bad_usage(sources.file + ": no such file or no profile [" + sources.profile + "]");
  }
  if (sources.use_iam) {
    source = "instance role";
    return fetch_instance_credentials(sources.imds_endpoint);
  }
  bad_usage("no credentials: set " + sources.env_names + ", or use --credentials-file, --profile or --use-iam");
}

}  // namespace mm::storage
