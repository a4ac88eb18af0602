// The three places 1.x metadata can come from, all returning the raw Tables/TableFiles rows.
#pragma once
#include <string>

#include "milvus1x/catalog.hpp"

namespace mm::milvus1x {

// Milvus 0.11 (a preview between 0.10 and 1.0) kept its metadata in another schema.
constexpr const char* kSnapshotMeta =
    "a Milvus 0.11 snapshot meta (tables Collection, CollectionCommit, Segment, ...), not the Tables/TableFiles meta of "
    "Milvus 0.9 to 1.1: milvus-mm does not read 0.11 installations";

// Reads a private copy of meta.sqlite together with its -wal and -shm, so transactions still in the
// WAL are seen and the user's files are never touched.
MetaRows read_sqlite_meta(const std::string& path);

struct MysqlTarget {
  std::string user, password, host = "127.0.0.1", socket, database;
  unsigned port = 3306;
  // The connection charset text is read in. Milvus 1.x never set one, so its client library's
  // default applied: latin1 (libmysqlclient 5.7 of its images). Reading in the same charset gives
  // back the bytes Milvus sent, whatever the tables' own charset; utf8mb4 would return non-ASCII
  // tags of latin1 connections double-encoded.
  std::string charset = "latin1";
  // "mysql://user@host:port/db", never with the password.
  std::string display() const;
};

// Accepts the Go DSN "user:pw@tcp(host:port)/db?params" (also unix(/path) and the empty address)
// and Milvus's "mysql://user:pw@host:port/db". The password may be absent.
MysqlTarget parse_mysql_dsn(const std::string& dsn);
MetaRows read_mysql_meta(const MysqlTarget& target);

// milvus-migration's meta.json, with our optional additions (partitions, index details).
MetaRows read_meta_json(const std::string& path);
// Writes a meta.json that milvus-migration accepts; partitions go in an extra key it ignores.
void write_meta_json(const Catalog& catalog, const std::string& path);

}  // namespace mm::milvus1x
