#include "config/source_config.hpp"

#include <yaml-cpp/yaml.h>

#include <sstream>
#include <sys/stat.h>

#include "errors.hpp"

namespace mm::config {

namespace {

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string parent(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string basename_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string trim_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// One setting of the file: SECTION.KEY of the 0.9 layout or of the 0.10-1.1 one.
struct Lookup {
  const YAML::Node& root;
  const std::string& file;
  bool old_layout;
  std::string display;  // "server_config.yaml"

  // The scalar at SECTION.KEY, or "" when absent or empty; `origin` names it.
  std::string get(const char* old_key, const char* new_key, std::string* origin = nullptr) const {
    const std::string dotted = old_layout ? old_key : new_key;
    if (dotted.empty()) return "";
    const size_t dot = dotted.find('.');
    const YAML::Node section = root[dotted.substr(0, dot)];
    if (!section || !section.IsMap()) return "";
    const YAML::Node value = section[dotted.substr(dot + 1)];
    if (!value || value.IsNull()) return "";
    if (!value.IsScalar())
      bad_usage(file + ":" + std::to_string(value.Mark().line + 1) + ": " + dotted + ": expected a single value");
    if (origin) *origin = display + ": " + dotted;
    return value.Scalar();
  }
};

bool truthy(const std::string& text) {
  std::string t;
  for (char c : text) t += char(std::tolower(static_cast<unsigned char>(c)));
  return t == "true" || t == "on" || t == "yes" || t == "1";
}

}  // namespace

SourceConfig read_source_config(const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    bad_usage(file + ": cannot read the Milvus 1.x configuration (milvusmm.sourceConfig)");
  } catch (const YAML::Exception& e) {
    bad_usage(file + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  if (!root.IsMap()) bad_usage(file + ": not a Milvus 1.x server_config.yaml (expected a mapping of sections)");
  const bool old_layout = root["db_config"] || root["storage_config"];
  if (!old_layout && !root["general"] && !root["storage"])
    bad_usage(file + ": neither db_config/storage_config (Milvus 0.9) nor general/storage (0.10 to 1.1): not a Milvus 1.x server_config.yaml");
  const Lookup config{root, file, old_layout, basename_of(file)};
  SourceConfig out;
  auto put = [&](const std::string& key, const std::string& value, const std::string& origin) {
    out.values.push_back({key, value, origin});
  };

  std::string primary_origin = config.display + " (default)";
  std::string primary = trim_slashes(config.get("storage_config.primary_path", "storage.path", &primary_origin));
  if (primary.empty()) primary = "/var/lib/milvus";
  // The file in ROOT/conf/ beside ROOT/db/: ROOT is the storage path as this machine sees it.
  std::string root_dir = primary;
  const std::string conf_dir = parent(file), beside = parent(conf_dir);
  if (!is_dir(primary) && basename_of(conf_dir) == "conf" && is_dir(beside + "/db")) {
    root_dir = beside;
    primary_origin += ", moved to " + beside;
    out.notes.push_back("the storage path " + primary + " of " + file + " is not on this machine; using " + beside +
                        ", the directory above its conf/ (set source.local.tablesDir and meta.* to choose others)");
  }
  auto moved = [&](const std::string& path, std::string* origin = nullptr) {
    const bool under = path == primary || path.compare(0, primary.size() + 1, primary + "/") == 0;
    if (!under || root_dir == primary) return path;
    if (origin) *origin += ", moved to " + root_dir;
    return root_dir + path.substr(primary.size());
  };

  std::string meta_origin = config.display + " (default)";
  std::string uri = config.get("db_config.backend_url", "general.meta_uri", &meta_origin);
  if (uri.empty()) uri = "sqlite://:@:/";
  if (uri.rfind("sqlite://", 0) == 0) {
    put("meta.mode", "sqlite", meta_origin);
    put("meta.sqliteFile", root_dir + "/db/meta.sqlite", primary_origin);
  } else if (uri.rfind("mysql://", 0) == 0) {
    // mysql://user:password@host:port/db; the password is left out (MM_MYSQL_PASSWORD or stdin).
    std::string rest = uri.substr(8), user;
    const size_t at = rest.rfind('@');
    if (at != std::string::npos) {
      user = rest.substr(0, at);
      rest = rest.substr(at + 1);
      const size_t colon = user.find(':');
      if (colon != std::string::npos) {
        user.resize(colon);
        out.notes.push_back(meta_origin + ": the MySQL password there is not used; give it in MM_MYSQL_PASSWORD");
      }
    }
    put("meta.mode", "mysql", meta_origin);
    put("meta.mysqlUrl", "mysql://" + (user.empty() ? "" : user + "@") + rest, meta_origin);
  } else {
    bad_usage(file + ": " + meta_origin.substr(config.display.size() + 2) + " is neither sqlite:// nor mysql:// (mock:// holds no data)");
  }

  put("source.mode", "local", primary_origin);
  put("source.local.tablesDir", root_dir + "/db/tables", primary_origin);

  // 0.9.x only: secondary roots, semicolon-separated; each keeps its segments in ROOT/tables.
  std::string secondary_origin;
  std::stringstream secondary(config.get("storage_config.secondary_path", "", &secondary_origin));
  std::string item, roots;
  while (std::getline(secondary, item, ';'))
    if (!(item = trim_slashes(item)).empty()) roots += (roots.empty() ? "" : ",") + moved(item) + "/tables";
  if (!roots.empty()) put("milvusmm.secondaryTablesDirs", roots, secondary_origin);

  // 1.1 built with S3 writes .rv/.uid only to the bucket, keyed by their local path (as the
  // server saw it: never moved); deleted_docs stays on the disk.
  std::string s3_origin;
  if (truthy(config.get("", "storage.s3_enabled", &s3_origin))) {
    for (const auto& [from, key] : {std::pair<const char*, const char*>{"storage.s3_address", "address"},
                                    {"storage.s3_port", "port"},
                                    {"storage.s3_bucket", "bucket"},
                                    {"storage.s3_region", "region"},
                                    {"storage.s3_access_key", "accessKey"},
                                    {"storage.s3_secret_key", "secretKey"}}) {
      std::string origin;
      const std::string value = config.get("", from, &origin);
      if (!value.empty()) put(std::string("milvusmm.segmentStore.") + key, value, origin);
    }
    std::string https_origin;
    if (truthy(config.get("", "storage.s3_use_https", &https_origin))) put("milvusmm.segmentStore.useHttps", "true", https_origin);
    put("milvusmm.segmentStore.keyPrefix", primary + "/db/tables", s3_origin + " (the keys are local paths)");
  }

  std::string wal_origin = config.display + " (default)";
  const std::string enabled = config.get("wal_config.enable", "wal.enable", &wal_origin);
  if (!enabled.empty() && !truthy(enabled)) {
    out.notes.push_back(wal_origin + " is off: Milvus 1.x wrote no WAL, so there is none to check");
  } else {
    std::string path_origin = primary_origin;
    std::string wal = trim_slashes(config.get("wal_config.wal_path", "wal.path", &path_origin));
    const std::string dir = moved(wal.empty() ? primary + "/wal" : wal, &path_origin);
    put("milvusmm.walDir", dir, path_origin);
  }
  return out;
}

}  // namespace mm::config
