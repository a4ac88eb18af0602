// The flags mm-run hands each tool, derived from a migration.yaml: the one place where a key
// becomes a command-line flag (see migration.yaml(5)). Secrets never become flags; they stay in
// the environment (Config::env_lines).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace mm::config {

// A bash array (or, with scalar, one value) for mm-run's eval.
struct ShellValue {
  std::string name;
  std::vector<std::string> words;
  bool scalar = false;
};

// mm-run's arrays: meta_args, meta_fetch, source_store, source_key_names, tables_dir,
// fetch_tables, fetch_key_names, scan_args, npy_args, upload_args, import_files, journal,
// bulk_args, verify_args. An empty array: the tool has no part in this configuration.
// `collections`, when given, overrides milvusmm.collections (mm-run --col).
std::vector<ShellValue> tool_args(const Config& config, const std::optional<std::string>& collections = std::nullopt);

// "NAME=('word' ...)" or "NAME='value'", safe for eval.
std::string shell_line(const ShellValue& value);

}  // namespace mm::config
