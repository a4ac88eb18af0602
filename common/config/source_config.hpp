// The Milvus 1.x server_config.yaml (milvusmm.sourceConfig): where that installation keeps its
// metadata, segment files and WAL, read from the file Milvus itself used, in the 0.9.x layout (config
// version 0.4: db_config, storage_config, wal_config) or the 0.10.x to 1.1 one (0.5: general, storage,
// wal; server/Config.cpp lists the versions).
#pragma once
#include <string>
#include <vector>

namespace mm::config {

struct SourceValue {
  std::string key;     // a migration.yaml key, e.g. "meta.sqliteFile"
  std::string value;
  std::string origin;  // e.g. "server_config.yaml: storage.path"
};

struct SourceConfig {
  std::vector<SourceValue> values;
  std::vector<std::string> notes;  // one line each: what was assumed (a path moved, the WAL off)
};

// Paths in the file are as the 1.x server saw them. When its storage path is not on this machine
// but the file sits in ROOT/conf/ beside ROOT/db/ (a Docker volume copied or mounted elsewhere),
// ROOT stands in for it, and every path under it moves along (a note says so). A MySQL meta_uri
// gives meta.mysqlUrl without its password: that still comes only from MM_MYSQL_PASSWORD or stdin.
// Errors are usage errors naming the file (and line).
SourceConfig read_source_config(const std::string& path);

}  // namespace mm::config
