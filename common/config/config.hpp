// migration.yaml: the keys milvus-migration knows for workMode milvus1x (same meanings and defaults)
// plus milvus-mm's own keys under "milvusmm:". Parsed with yaml-cpp; every error is a usage error
// (exit 2) naming the file and line.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace mm::config {

enum class Type { String, Int, Bool, Number, List, Enum, GroupSize };

struct KeySpec {
  const char* key;            // dotted path, e.g. "meta.sqliteFile"
  Type type;
  const char* default_value;  // as printed by --env ("" = none)
  const char* env;            // variable name printed by --env; nullptr: not exported (ignored key)
  const char* allowed;        // Type::Enum: values separated by '|'
  const char* meaning;        // one line, for --list-keys
};

// Every known key, in documentation order.
const std::vector<KeySpec>& key_specs();
const KeySpec* find_key(const std::string& key);

// Levenshtein distance (case-insensitive) and the nearest known key or section to an unknown path.
size_t edit_distance(const std::string& a, const std::string& b);
std::string nearest_key(const std::string& unknown);

struct Setting {
  std::string value;  // lists joined with ','
  int line = 0;       // 1-based; 0 when the default applies or the value was derived
  std::string origin;  // where a derived value came from ("server_config.yaml: storage.path"); "" = the file
};

class Config {
 public:
  // Throws mm::Error(kExitUsage) on a YAML syntax error, an unknown key, a value of the wrong type
  // or a combination milvus-mm cannot run (see validate()).
  static Config parse(const std::string& text, const std::string& file_name);
  static Config load(const std::string& path);

  bool has(const std::string& key) const { return values_.count(key) > 0; }
  // The value given in the file, else the default.
  std::string get(const std::string& key) const;
  const std::vector<std::string>& warnings() const { return warnings_; }

  // The shell lines of `mm-config --env`: export NAME='value'.
  std::vector<std::string> env_lines() const;
  // One line per key set in the file or derived: KEY<TAB>VALUE<TAB>ORIGIN, secrets as "(secret)".
  std::vector<std::string> origin_lines() const;

 private:
  void apply_source_config();
  void validate() const;
  [[noreturn]] void error_at(const std::string& key, const std::string& message) const;
  std::string file_;
  std::map<std::string, Setting> values_;
  std::vector<std::string> warnings_;
};

// Keys whose values never appear in output (credentials, a DSN that may hold a password).
bool is_secret(const std::string& key);

// 'text' with every ' written as '\'' : safe for the shell's eval.
std::string shell_quote(const std::string& text);

}  // namespace mm::config
