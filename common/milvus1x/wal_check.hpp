// The 1.x write-ahead log (wal/N.wal): inserts and deletes that reached the WAL but not yet the
// segment files. Migrating the segment files alone would lose those inserts and bring those deleted
// rows back (research note milvus1x-real-installations.md, "Unflushed WAL").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "milvus1x/catalog.hpp"

namespace mm::milvus1x {

// The changes of one live (collection, tag) past its Tables.flush_lsn.
struct UnflushedChanges {
  std::string collection;
  std::string tag;  // "" for the default partition
  uint64_t insert_records = 0, insert_rows = 0;
  uint64_t delete_records = 0, delete_ids = 0;
  int64_t flush_lsn = -1;  // -1: unknown (meta.json)
  uint64_t last_lsn = 0;
};

struct WalCheck {
  std::string dir;
  uint64_t files = 0, records = 0;
  uint64_t dropped_records = 0;  // of tables or partitions no longer live: never an alarm
  std::vector<UnflushedChanges> unflushed;
};

// Reads the record headers of every N.wal in `dir` (the data is skipped). An insert or delete
// record of a live (collection, tag) whose lsn is past that table's flush_lsn is unflushed; without
// flush_lsn (rows.has_flush_lsn false: meta.json) every such record counts. Live means in
// `catalog` (select_catalog() of `rows`, so only the selected collections). A file that is not a Milvus 1.x WAL, or is cut inside
// a record header, is a kExitBadData error naming the file and the offset.
WalCheck check_wal(const std::string& dir, const MetaRows& rows, const Catalog& catalog);

// "collection c, partition tag "t": 2 insert records (300 rows), 1 delete record (5 ids) past flush_lsn 42"
std::string describe(const UnflushedChanges& changes);

}  // namespace mm::milvus1x
