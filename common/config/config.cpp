#include "config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cerrno>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <sys/stat.h>

#include "config/source_config.hpp"
#include "errors.hpp"
#include "npy/group_plan.hpp"
#include "size_text.hpp"

namespace mm::config {

namespace {

using T = Type;

const std::vector<KeySpec> kKeys = {
    // milvus-migration, workMode milvus1x (core/config/resolve*.go defaults).
    {"dumper.worker.workMode", T::Enum, "", "MM_WORK_MODE", "milvus1x|faiss|elasticsearch|milvus2x",
     "source kind; milvus-mm migrates milvus1x only (required)"},
    {"dumper.worker.limit", T::Int, "2", "MM_DUMPER_LIMIT", nullptr, "chunks of segments converted at once (mm-npy -j); <=0 means 2"},
    {"dumper.worker.reader.bufferSize", T::Int, "1024", "MM_READER_BUFFER_SIZE", nullptr,
     "read buffer in KB; accepted for compatibility, no effect"},
    {"dumper.worker.writer.bufferSize", T::Int, "1048576", "MM_WRITER_BUFFER_SIZE", nullptr,
     "write buffer; accepted for compatibility, no effect"},
    {"loader.worker.limit", T::Int, "2", "MM_LOADER_LIMIT", nullptr, "imports in flight at once (mm-bulkinsert -j); <=0 means 2"},
    {"meta.mode", T::Enum, "", "MM_META_MODE", "local|mock|sqlite|mysql|remote", "where the 1.x metadata is (required)"},
    {"meta.localFile", T::String, "", "MM_META_LOCAL_FILE", nullptr, "meta.json for meta.mode local (as the milvus.io docs use it)"},
    {"meta.mockFile", T::String, "", "MM_META_MOCK_FILE", nullptr, "meta.json (output of export) for meta.mode mock"},
    {"meta.sqliteFile", T::String, "", "MM_META_SQLITE_FILE", nullptr, "1.x meta.sqlite for meta.mode sqlite"},
    {"meta.mysqlUrl", T::String, "", "MM_MYSQL_DSN", nullptr, "MySQL DSN user:pw@tcp(host:port)/db for meta.mode mysql (secret)"},
    {"meta.remoteMetaFile", T::String, "", "MM_META_REMOTE_FILE", nullptr, "meta.json key in the source bucket (meta.mode remote)"},
    {"source.mode", T::Enum, "", "MM_SOURCE_MODE", "local|remote", "where the 1.x tables/ directory is (required)"},
    {"source.local.tablesDir", T::String, "", "MM_SOURCE_TABLES_DIR", nullptr, "the 1.x db/tables/ directory"},
    {"source.remote.cloud", T::Enum, "aws", "MM_SOURCE_REMOTE_CLOUD", "aws|gcp|azure|az|ali|tc", "source object store"},
    {"source.remote.endpoint", T::String, "", "MM_SOURCE_REMOTE_ENDPOINT", nullptr, "source object store host:port"},
    {"source.remote.region", T::String, "", "MM_SOURCE_REMOTE_REGION", nullptr, "source region"},
    {"source.remote.bucket", T::String, "", "MM_SOURCE_REMOTE_BUCKET", nullptr, "source bucket"},
    {"source.remote.ak", T::String, "", "MM_SOURCE_REMOTE_AK", nullptr, "source access key (secret)"},
    {"source.remote.sk", T::String, "", "MM_SOURCE_REMOTE_SK", nullptr, "source secret key (secret)"},
    {"source.remote.useIAM", T::Bool, "false", "MM_SOURCE_REMOTE_USE_IAM", nullptr, "source: instance credentials"},
    {"source.remote.useSSL", T::Bool, "false", "MM_SOURCE_REMOTE_USE_SSL", nullptr, "source: HTTPS"},
    {"source.remote.checkBucket", T::Bool, "false", "MM_SOURCE_REMOTE_CHECK_BUCKET", nullptr, "source: check the bucket first"},
    {"source.remote.tablesDir", T::String, "", "MM_SOURCE_REMOTE_TABLES_DIR", nullptr, "key prefix of tables/ in the source bucket"},
    {"target.mode", T::Enum, "", "MM_TARGET_MODE", "local|remote", "where the import files go (required)"},
    {"target.local.outputDir", T::String, "", "MM_TARGET_LOCAL_OUTPUT_DIR", nullptr,
     "directory Milvus reads under the same path; files go to OUTPUTDIR/migration"},
    {"target.remote.outputDir", T::String, "", "MM_TARGET_REMOTE_OUTPUT_DIR", nullptr,
     "key prefix in the bucket (leading / dropped); files go to OUTPUTDIR/migration"},
    {"target.remote.cloud", T::Enum, "aws", "MM_TARGET_REMOTE_CLOUD", "aws|gcp|azure|az|ali|tc", "target object store (aws also for MinIO)"},
    {"target.remote.endpoint", T::String, "", "MM_TARGET_REMOTE_ENDPOINT", nullptr, "host:port; empty means AWS"},
    {"target.remote.region", T::String, "", "MM_TARGET_REMOTE_REGION", nullptr, "region"},
    {"target.remote.bucket", T::String, "", "MM_TARGET_REMOTE_BUCKET", nullptr, "the bucket Milvus 2.x uses (minio.bucketName)"},
    {"target.remote.ak", T::String, "", "AWS_ACCESS_KEY_ID", nullptr,
     "access key (secret; azure: the account, exported as AZURE_STORAGE_ACCOUNT)"},
    {"target.remote.sk", T::String, "", "AWS_SECRET_ACCESS_KEY", nullptr, "secret key (secret; azure: AZURE_STORAGE_KEY)"},
    {"target.remote.useIAM", T::Bool, "false", "MM_TARGET_REMOTE_USE_IAM", nullptr, "use the instance role when no keys are given"},
    {"target.remote.useSSL", T::Bool, "false", "MM_TARGET_REMOTE_USE_SSL", nullptr, "HTTPS to the endpoint"},
    {"target.remote.checkBucket", T::Bool, "false", "MM_TARGET_REMOTE_CHECK_BUCKET", nullptr, "check the bucket exists and is writable first"},
    {"target.milvus2x.endpoint", T::String, "localhost:19530", "MM_MILVUS_ENDPOINT", nullptr, "Milvus 2.x host:port or http(s)://host:port"},
    {"target.milvus2x.username", T::String, "", "MM_MILVUS_USERNAME", nullptr, "user name, when authorization is on"},
    {"target.milvus2x.password", T::String, "", "MM_MILVUS_PASSWORD", nullptr, "password (secret)"},
    {"target.milvus2x.database", T::String, "", "MM_MILVUS_DATABASE", nullptr, "target database, created when missing"},
    {"target.milvus2x.grpc.maxCallRecvMsgSize", T::Int, "", "MM_MILVUS_GRPC_MAX_RECV", nullptr, "gRPC limit; accepted, no effect"},
    {"target.milvus2x.grpc.maxCallSendMsgSize", T::Int, "", "MM_MILVUS_GRPC_MAX_SEND", nullptr, "gRPC limit; accepted, no effect"},
    // milvus-migration keys of other work modes: accepted with a warning, never used.
    {"target.milvus2x.writeMode", T::String, "", nullptr, nullptr, "milvus2x mode only; ignored"},
    {"target.create.collection.name", T::String, "", nullptr, nullptr, "faiss mode only; ignored"},
    {"target.create.collection.shardsNum", T::String, "", nullptr, nullptr, "faiss mode only; ignored"},
    {"target.create.collection.dim", T::String, "", nullptr, nullptr, "faiss mode only; ignored"},
    {"target.create.collection.metricType", T::String, "", nullptr, nullptr, "faiss mode only; ignored"},
    // milvus-mm's own keys.
    {"milvusmm.sourceConfig", T::String, "", "MM_SOURCE_CONFIG", nullptr,
     "the 1.x server_config.yaml: meta, tables, secondary roots and WAL from it unless given here"},
    {"milvusmm.secondaryTablesDirs", T::List, "", "MM_SECONDARY_TABLES_DIRS", nullptr,
     "0.9.x secondary roots' tables/ directories (storage_config.secondary_path)"},
    {"milvusmm.secondaryRemoteTablesDirs", T::List, "", "MM_SECONDARY_REMOTE_TABLES_DIRS", nullptr,
     "further key prefixes of tables/ in the source bucket (0.9.x secondary roots)"},
    {"milvusmm.segmentStore.address", T::String, "", "MM_SEGMENT_STORE_ADDRESS", nullptr,
     "Milvus 1.1 with storage.s3_enabled: the S3 host holding .rv/.uid (storage.s3_address)"},
    {"milvusmm.segmentStore.port", T::String, "", "MM_SEGMENT_STORE_PORT", nullptr, "its port (storage.s3_port)"},
    {"milvusmm.segmentStore.useHttps", T::Bool, "false", "MM_SEGMENT_STORE_USE_HTTPS", nullptr, "HTTPS (storage.s3_use_https)"},
    {"milvusmm.segmentStore.bucket", T::String, "", "MM_SEGMENT_STORE_BUCKET", nullptr, "its bucket (storage.s3_bucket)"},
    {"milvusmm.segmentStore.region", T::String, "", "MM_SEGMENT_STORE_REGION", nullptr, "its region (storage.s3_region)"},
    {"milvusmm.segmentStore.accessKey", T::String, "", "MM_SEGMENT_STORE_AK", nullptr, "access key (storage.s3_access_key; secret)"},
    {"milvusmm.segmentStore.secretKey", T::String, "", "MM_SEGMENT_STORE_SK", nullptr, "secret key (storage.s3_secret_key; secret)"},
    {"milvusmm.segmentStore.keyPrefix", T::String, "", "MM_SEGMENT_STORE_KEY_PREFIX", nullptr,
     "the tables/ directory as 1.1 saw it, which prefixes its keys (default: source.local.tablesDir)"},
    {"milvusmm.walDir", T::String, "", "MM_WAL_DIR", nullptr,
     "the 1.x WAL directory to check for unflushed changes (default: ../../wal beside source.local.tablesDir, when there)"},
    {"milvusmm.ignoreUnflushed", T::Bool, "false", "MM_IGNORE_UNFLUSHED", nullptr,
     "migrate even when the WAL holds changes not in the segment files (they are left behind; the report lists them)"},
    {"milvusmm.workDir", T::String, "mm-work", "MM_WORK_DIR", nullptr, "NumPy groups, journal and report go here"},
    {"milvusmm.journal", T::String, "", "MM_JOURNAL", nullptr, "import journal (default WORKDIR/mm-bulkinsert.journal)"},
    {"milvusmm.groupSize", T::GroupSize, "1G", "MM_GROUP_SIZE", nullptr, "largest import group (mm-npy --group-size; at most 16G)"},
    {"milvusmm.firstGroupSize", T::GroupSize, "64M", "MM_FIRST_GROUP_SIZE", nullptr,
     "largest first import group of each collection, so that the first import starts early (mm-npy --first-group-size)"},
    {"milvusmm.collections", T::List, "", "MM_COLLECTIONS", nullptr, "only these 1.x collections (like --col)"},
    {"milvusmm.fields.id", T::String, "id", "MM_ID_FIELD", nullptr, "2.x primary key field name"},
    {"milvusmm.fields.vector", T::String, "data", "MM_VECTOR_FIELD", nullptr, "2.x vector field name"},
    {"milvusmm.createIndex", T::Bool, "false", "MM_CREATE_INDEX", nullptr, "build the 2.x index nearest to the 1.x one"},
    {"milvusmm.load", T::Bool, "false", "MM_LOAD", nullptr, "load each collection"},
    {"milvusmm.verifySample", T::Int, "0", "MM_VERIFY_SAMPLE", nullptr, "rows per collection read back bit-exact after the import (implies load) and by verify (100 when 0)"},
    {"milvusmm.pollInterval", T::Number, "2", "MM_POLL_INTERVAL", nullptr, "seconds between import state checks"},
    {"milvusmm.stallTimeout", T::Int, "3600", "MM_STALL_TIMEOUT", nullptr, "an import without progress this many seconds fails (2.4+: also the job's timeout)"},
    {"milvusmm.serverVersion", T::String, "", "MM_SERVER_VERSION", nullptr, "treat Milvus as this version (a custom build whose version cannot be read)"},
    {"milvusmm.probe", T::Bool, "true", "MM_PROBE", nullptr, "import a tiny probe group first, to prove Milvus reads the bucket and prefix"},
    {"milvusmm.uploadJobs", T::Int, "4", "MM_UPLOAD_JOBS", nullptr, "groups uploaded at once (mm-upload -j)"},
    {"milvusmm.tls.enabled", T::Bool, "false", "MM_TLS", nullptr, "TLS to Milvus (implied by https:// or any tls file)"},
    {"milvusmm.tls.caFile", T::String, "", "MM_TLS_CA_FILE", nullptr, "CA certificate(s) for Milvus"},
    {"milvusmm.tls.certFile", T::String, "", "MM_TLS_CERT_FILE", nullptr, "client certificate (mutual TLS)"},
    {"milvusmm.tls.keyFile", T::String, "", "MM_TLS_KEY_FILE", nullptr, "client key (mutual TLS)"},
    {"milvusmm.tls.serverName", T::String, "", "MM_TLS_SERVER_NAME", nullptr, "name to check in the server certificate"},
};

// Sections: every proper prefix of a key.
const std::set<std::string>& sections() {
  static const std::set<std::string> all = [] {
    std::set<std::string> s;
    for (const auto& k : kKeys) {
      std::string key = k.key;
      for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1)) s.insert(key.substr(0, dot));
    }
    return s;
  }();
  return all;
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool parse_int(const std::string& text, long long& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(text.c_str(), &end, 10);
  return errno == 0 && *end == '\0';
}

}  // namespace

const std::vector<KeySpec>& key_specs() { return kKeys; }

const KeySpec* find_key(const std::string& key) {
  for (const auto& k : kKeys)
    if (key == k.key) return &k;
  return nullptr;
}

size_t edit_distance(const std::string& a_in, const std::string& b_in) {
  const std::string a = lower(a_in), b = lower(b_in);
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string nearest_key(const std::string& unknown) {
  std::string best;
  size_t best_distance = std::string::npos;
  auto consider = [&](const std::string& candidate) {
    size_t d = edit_distance(unknown, candidate);
    if (d < best_distance) best_distance = d, best = candidate;
  };
  for (const auto& k : kKeys) consider(k.key);
  for (const auto& s : sections()) consider(s);
  return best;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

[[noreturn]] void Config::error_at(const std::string& key, const std::string& message) const {
  auto it = values_.find(key);
  std::string where = file_ + (it != values_.end() && it->second.line ? ":" + std::to_string(it->second.line) : "");
  bad_usage(where + ": " + message);
}

std::string Config::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it != values_.end()) return it->second.value;
  const KeySpec* spec = find_key(key);
  return spec ? spec->default_value : "";
}

Config Config::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) bad_usage(path + ": cannot read the configuration file");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Config Config::parse(const std::string& text, const std::string& file_name) {
  Config config;
  config.file_ = file_name;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp 0.7 stops nesting beyond its depth limit with the message "bad file".
    const std::string why = e.msg == "bad file" ? "nested too deeply" : e.msg;
    bad_usage(file_name + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + why);
  }
  if (!root.IsMap()) bad_usage(file_name + ": expected a mapping of keys (dumper:, meta:, source:, target:, ...)");

  auto where = [&](const YAML::Node& node) { return file_name + ":" + std::to_string(node.Mark().line + 1); };
  std::function<void(const YAML::Node&, const std::string&)> walk = [&](const YAML::Node& map, const std::string& prefix) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      // Copies: the iterator hands out a temporary pair, which references would outlive.
      const YAML::Node key_node = it->first;
      const YAML::Node value = it->second;
      if (!key_node.IsScalar()) bad_usage(where(key_node) + ": a key must be a plain name");
      const std::string path = prefix.empty() ? key_node.Scalar() : prefix + "." + key_node.Scalar();
      const int line = key_node.Mark().line + 1;
      const KeySpec* spec = find_key(path);
      if (!spec && !sections().count(path))
        bad_usage(where(key_node) + ": unknown key \"" + path + "\"; did you mean \"" + nearest_key(path) + "\"?");
      if (config.values_.count(path) || (!spec && config.values_.count("\x01" + path)))
        bad_usage(where(key_node) + ": key \"" + path + "\" given twice");
      if (!spec) {  // a section
        config.values_["\x01" + path] = {"", line};
        if (value.IsNull()) continue;
        if (!value.IsMap()) bad_usage(where(key_node) + ": \"" + path + "\" is a section: expected keys under it");
        walk(value, path);
        continue;
      }
      if (value.IsNull()) {
        config.values_[path] = {spec->default_value, line};
        continue;
      }
      std::string v;
      if (spec->type == T::List && value.IsSequence()) {
        for (const auto& item : value) {
          if (!item.IsScalar()) bad_usage(where(item) + ": \"" + path + "\": expected a list of names");
          v += (v.empty() ? "" : ",") + item.Scalar();
        }
      } else if (!value.IsScalar()) {
        bad_usage(where(key_node) + ": \"" + path + "\" takes a value, not " + (value.IsMap() ? "keys" : "a list"));
      } else {
        v = value.Scalar();
      }
      long long n = 0;
      switch (spec->type) {
        case T::Int:
          if (!parse_int(v, n)) bad_usage(where(key_node) + ": \"" + path + "\": expected a whole number, found \"" + v + "\"");
          if (n <= 0 && std::string(spec->default_value) != "" && path.find(".limit") != std::string::npos)
            v = spec->default_value;  // milvus-migration: limit <= 0 means the default
          else if (n <= 0 && path.find("bufferSize") != std::string::npos)
            v = spec->default_value;
          else
            v = std::to_string(n);
          break;
        case T::Bool: {
          bool b = false;
          if (!YAML::convert<bool>::decode(value, b))
            bad_usage(where(key_node) + ": \"" + path + "\": expected true or false, found \"" + v + "\"");
          v = b ? "true" : "false";
          break;
        }
        case T::Number: {
          char* end = nullptr;
          double d = std::strtod(v.c_str(), &end);
          if (v.empty() || *end != '\0' || !(d > 0))
            bad_usage(where(key_node) + ": \"" + path + "\": expected a positive number, found \"" + v + "\"");
          break;
        }
        case T::GroupSize: {
          auto size = parse_size(v);
          if (!size || *size == 0 || *size > npy::kMaxGroupBytes)
            bad_usage(where(key_node) + ": \"" + path + "\": expected a size from 1 to 16G (Milvus imports at most 16 GiB a group), found \"" + v + "\"");
          break;
        }
        case T::Enum: {
          std::string allowed = spec->allowed, item;
          std::stringstream in(allowed);
          bool ok = false;
          while (std::getline(in, item, '|')) ok = ok || item == v;
          if (!ok) {
            std::string shown = allowed;
            std::replace(shown.begin(), shown.end(), '|', ',');
            bad_usage(where(key_node) + ": \"" + path + "\": \"" + v + "\" is not one of " + shown);
          }
          break;
        }
        default:
          break;
      }
      if (!spec->env) config.warnings_.push_back(where(key_node) + ": \"" + path + "\" is ignored in workMode milvus1x");
      config.values_[path] = {v, line};
    }
  };
  walk(root, "");
  // Section markers were only for duplicate detection.
  for (auto it = config.values_.begin(); it != config.values_.end();)
    it = it->first[0] == '\x01' ? config.values_.erase(it) : std::next(it);
  config.apply_source_config();
  config.validate();
  return config;
}

// Keys given in the file win; a value of the 1.x configuration is taken only where the file is
// silent, and meta.* or source.* only when the mode it implies is the one in use.
void Config::apply_source_config() {
  auto take = [&](const std::string& key, const std::string& value, const std::string& origin) {
    if (!has(key)) values_[key] = {value, 0, origin};
  };
  if (has("milvusmm.sourceConfig")) {
    const SourceConfig source = read_source_config(get("milvusmm.sourceConfig"));
    std::map<std::string, std::string> modes;  // "meta" -> "sqlite", "source" -> "local"
    for (const auto& v : source.values)
      if (v.key == "meta.mode" || v.key == "source.mode") modes[v.key.substr(0, v.key.find('.'))] = v.value;
    for (const auto& v : source.values) {
      const std::string section = v.key.substr(0, v.key.find('.'));
      if (modes.count(section) && has(section + ".mode") && get(section + ".mode") != modes[section]) continue;
      take(v.key, v.value, v.origin);
    }
    for (const auto& note : source.notes) warnings_.push_back(note);
  }
  // The usual layout: STORAGE/db/tables and STORAGE/wal.
  const std::string tables = get("source.local.tablesDir");
  struct stat st {};
  if (get("source.mode") == "local" && !tables.empty()) {
    const std::string wal = tables + "/../../wal";
    if (::stat(wal.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) take("milvusmm.walDir", wal, "beside source.local.tablesDir");
  }
}

std::vector<std::string> Config::origin_lines() const {
  std::vector<std::string> lines;
  for (const auto& k : kKeys) {
    auto it = values_.find(k.key);
    if (it == values_.end()) continue;
    const std::string origin = it->second.origin.empty() ? file_ + ":" + std::to_string(it->second.line) : it->second.origin;
    lines.push_back(std::string(k.key) + "\t" + (is_secret(k.key) ? "(secret)" : it->second.value) + "\t" + origin);
  }
  return lines;
}

bool is_secret(const std::string& key) {
  return key == "meta.mysqlUrl" || key == "target.milvus2x.password" || key == "target.remote.ak" || key == "target.remote.sk" ||
         key == "source.remote.ak" || key == "source.remote.sk" || key == "milvusmm.segmentStore.accessKey" ||
         key == "milvusmm.segmentStore.secretKey";
}

void Config::validate() const {
  // KEY must be set when MODE_KEY has the value that needs it; the error points at MODE_KEY's line.
  auto need = [&](const std::string& key, const std::string& mode_key) {
    if (get(key).empty())
      error_at(mode_key, "\"" + key + "\" is required with " + mode_key + " " + get(mode_key));
  };
  if (get("dumper.worker.workMode").empty()) bad_usage(file_ + ": \"dumper.worker.workMode\" is required (milvus1x)");
  if (get("dumper.worker.workMode") != "milvus1x")
    error_at("dumper.worker.workMode", "workMode \"" + get("dumper.worker.workMode") + "\" is not supported: milvus-mm migrates milvus1x only");

  const std::string meta = get("meta.mode");
  if (meta.empty()) bad_usage(file_ + ": \"meta.mode\" is required (local, mock, sqlite, mysql or remote)");
  if (meta == "local") need("meta.localFile", "meta.mode");
  if (meta == "mock") need("meta.mockFile", "meta.mode");
  if (meta == "sqlite") need("meta.sqliteFile", "meta.mode");
  if (meta == "mysql") need("meta.mysqlUrl", "meta.mode");
  // meta.json in the source bucket, as in milvus-migration.
  if (meta == "remote") {
    need("meta.remoteMetaFile", "meta.mode");
    need("source.remote.bucket", "meta.mode");
  }

  const std::string source = get("source.mode");
  if (source.empty()) bad_usage(file_ + ": \"source.mode\" is required (local or remote)");
  if (source == "local") need("source.local.tablesDir", "source.mode");
  if (source == "remote") need("source.remote.bucket", "source.mode");
  const std::string target = get("target.mode");
  if (target.empty()) bad_usage(file_ + ": \"target.mode\" is required (local or remote)");
  if (target == "local") need("target.local.outputDir", "target.mode");
  if (target == "remote") need("target.remote.bucket", "target.mode");
  if (get("milvusmm.tls.certFile").empty() != get("milvusmm.tls.keyFile").empty())
    error_at(has("milvusmm.tls.certFile") ? "milvusmm.tls.certFile" : "milvusmm.tls.keyFile",
             "\"milvusmm.tls.certFile\" and \"milvusmm.tls.keyFile\" go together");
}

std::vector<std::string> Config::env_lines() const {
  std::vector<std::string> lines;
  const bool azure = get("target.remote.cloud") == "azure" || get("target.remote.cloud") == "az";
  lines.push_back("export MM_CONFIG_FILE=" + shell_quote(file_));
  for (const auto& k : kKeys) {
    if (!k.env) continue;
    std::string name = k.env;
    const std::string key = k.key;
    const bool secret = is_secret(key);
    if (azure && key == "target.remote.ak") name = "AZURE_STORAGE_ACCOUNT";
    if (azure && key == "target.remote.sk") name = "AZURE_STORAGE_KEY";
    std::string value = get(key);
    if (secret && value.empty()) continue;  // never clobber credentials the caller has in the environment
    if (key == "target.remote.outputDir") value.erase(0, value.find_first_not_of('/'));
    lines.push_back("export " + name + "=" + shell_quote(value));
  }
  return lines;
}

}  // namespace mm::config
