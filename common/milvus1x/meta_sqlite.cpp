#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "errors.hpp"
#include "milvus1x/meta_readers.hpp"
#include "milvus1x/names.hpp"

namespace fs = std::filesystem;

namespace mm::milvus1x {
namespace {

// A temporary directory removed with everything in it when the reader is done.
class PrivateCopy {
 public:
  explicit PrivateCopy(const std::string& source) {
    std::string tmpl = (fs::temp_directory_path() / "mm-meta.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) fail_errno(tmpl, "cannot create a temporary directory", errno);
    dir_ = tmpl;
    path_ = (fs::path(dir_) / "meta.sqlite").string();
    // The -wal holds commits not yet checkpointed into the main file; -shm is its index.
    for (const char* suffix : {"", "-wal", "-shm"}) {
      fs::path from = source + suffix;
      std::error_code ec;
      if (!fs::exists(from, ec)) continue;
      fs::copy_file(from, path_ + suffix, ec);
      if (ec) {
        remove();
        fail(from.string() + ": cannot copy: " + ec.message());
      }
    }
  }
  ~PrivateCopy() { remove(); }
  const std::string& path() const { return path_; }

 private:
  void remove() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dir_, path_;
};

class Db {
 public:
  Db(const std::string& path, const std::string& shown) : shown_(shown) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      bad_data(shown_ + ": cannot open as SQLite: " + message);
    }
  }
  ~Db() { sqlite3_close(db_); }

  bool has_table(const std::string& name) {
    bool found = false;
    const std::string sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'";
    each(sql.c_str(), [&](sqlite3_stmt*) { found = true; });
    return found;
  }

  template <typename Row>
  void each(const char* sql, Row&& row) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr) != SQLITE_OK) query_failed(sql);
    // Finalized however `row` ends: an unfinalized statement keeps sqlite3_close from freeing.
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) row(stmt.get());
    if (rc != SQLITE_DONE) query_failed(sql);
  }

 private:
  [[noreturn]] void query_failed(const char* sql) {
    std::string message = sqlite3_errmsg(db_);
    if (message.find("no such") != std::string::npos)
      bad_data(shown_ + ": not a Milvus 1.x meta.sqlite: " + message);
    bad_data(shown_ + ": " + message);
  }
  sqlite3* db_ = nullptr;
  std::string shown_;
};

// One row being read, for messages: "PATH: Tables row id=3 (films_l2)".
struct RowPlace {
  const std::string& path;
  const char* table;
  int64_t id;
  std::string table_id;
  std::string where() const {
    return path + ": " + table + " row id=" + std::to_string(id) + (table_id.empty() ? "" : " (" + shown_name(table_id) + ")");
  }
};

// What a value of another type than expected is, for a message.
std::string described(sqlite3_stmt* stmt, int column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL: return "NULL";
    case SQLITE_FLOAT: {
      char number[32];
      std::snprintf(number, sizeof number, "%.17g", sqlite3_column_double(stmt, column));
      return std::string("the real number ") + number;
    }
    case SQLITE_BLOB: {
      int bytes = sqlite3_column_bytes(stmt, column);
      return "a blob of " + std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    }
    case SQLITE_TEXT: {
      const unsigned char* value = sqlite3_column_text(stmt, column);
      return "the text " + quoted(std::string(reinterpret_cast<const char*>(value), size_t(sqlite3_column_bytes(stmt, column))));
    }
    default: return "an integer";
  }
}

// Text columns: text, or an integer SQLite kept as one (read in decimal); NULL reads as "".
std::string text(sqlite3_stmt* stmt, int column, const RowPlace& place) {
  int type = sqlite3_column_type(stmt, column);
  if (type == SQLITE_NULL) return "";
  if (type != SQLITE_TEXT && type != SQLITE_INTEGER)
    bad_data(place.where() + ": " + sqlite3_column_name(stmt, column) + " is " + described(stmt, column) + ", not text");
  const unsigned char* value = sqlite3_column_text(stmt, column);
  return value ? std::string(reinterpret_cast<const char*>(value), size_t(sqlite3_column_bytes(stmt, column))) : "";
}

// Integer columns: exactly an integer (64 bits); text, reals and blobs are refused, never read as 0
// or cut. NULL reads as 0 where `null_is_zero`, else is refused too.
int64_t integer(sqlite3_stmt* stmt, int column, const RowPlace& place, bool null_is_zero = false) {
  int type = sqlite3_column_type(stmt, column);
  if (type == SQLITE_INTEGER) return sqlite3_column_int64(stmt, column);
  if (type == SQLITE_NULL && null_is_zero) return 0;
  bad_data(place.where() + ": " + sqlite3_column_name(stmt, column) + " is " + described(stmt, column) +
           ", not an integer");
}

uint32_t word(const unsigned char* p, bool big_endian) {
  return big_endian ? uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]
                    : uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0];
}

// A -wal that is not a write-ahead log would be ignored by SQLite, which then silently reads the
// older rows of the main file: refuse it. Checks the 32-byte header as SQLite does (its file format
// document, "WAL File Format"): magic 0x377f0682 (checksums over little-endian words) or 0x377f0683
// (big-endian), then the two checksum words over the first 24 bytes. An empty -wal is as good as none.
void check_wal(const std::string& wal) {
  std::error_code ec;
  if (!fs::exists(wal, ec)) return;
  std::ifstream in(wal, std::ios::binary);
  if (!in) fail_errno(wal, "cannot open", errno);
  unsigned char header[32] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  if (in.gcount() == 0) return;
  if (in.gcount() != sizeof header)
    bad_data(wal + ": not an SQLite write-ahead log (" + std::to_string(in.gcount()) +
             " bytes, shorter than the 32-byte header)");
  uint32_t magic = word(header, true);
  if (magic != 0x377f0682 && magic != 0x377f0683) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", magic);
    bad_data(wal + ": not an SQLite write-ahead log (magic number " + hex + ", expected 0x377f0682 or 0x377f0683)");
  }
  const bool big_endian = magic & 1;
  uint32_t s0 = 0, s1 = 0;
  for (int i = 0; i < 24; i += 8) {
    s0 += word(header + i, big_endian) + s1;
    s1 += word(header + i + 4, big_endian) + s0;
  }
  if (s0 != word(header + 24, true) || s1 != word(header + 28, true))
    bad_data(wal + ": not an SQLite write-ahead log (the header checksum does not match)");
}

void check_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_errno(path, "cannot open", errno);
  char magic[16] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() != sizeof magic || std::memcmp(magic, "SQLite format 3", 16) != 0)
    bad_data(path + ": not an SQLite database (expected the header \"SQLite format 3\")");
}

}  // namespace

MetaRows read_sqlite_meta(const std::string& path) {
  check_header(path);
  check_wal(path + "-wal");
  PrivateCopy copy(path);
  Db db(copy.path(), path);
  // 0.11's snapshot meta (db/snapshot/Resources.h) has Collection, CollectionCommit, Segment, ...
  if (!db.has_table("Tables") && (db.has_table("CollectionCommit") || db.has_table("SegmentCommit")))
    bad_data(path + ": " + kSnapshotMeta);
  MetaRows rows;
  rows.source = path;
  db.each(
      "SELECT id, table_id, state, dimension, created_on, flag, index_file_size, engine_type, index_params, "
      "metric_type, owner_table, partition_tag, version, flush_lsn FROM Tables ORDER BY id",
      [&](sqlite3_stmt* s) {
        RowPlace place{path, "Tables", sqlite3_column_int64(s, 0), ""};
        TableRow t;
        t.table_id = text(s, 1, place);
        place.table_id = t.table_id;
        t.origin = place.where().substr(path.size() + 2);
        t.state = integer(s, 2, place);
        t.dimension = integer(s, 3, place);
        t.created_on = integer(s, 4, place, true);
        t.flag = integer(s, 5, place, true);
        t.index_file_size = integer(s, 6, place, true);
        t.engine_type = integer(s, 7, place);
        t.index_params = text(s, 8, place);
        t.metric_type = integer(s, 9, place);
        t.owner_table = text(s, 10, place);
        t.partition_tag = text(s, 11, place);
        t.version = text(s, 12, place);
        t.flush_lsn = integer(s, 13, place, true);
        rows.tables.push_back(std::move(t));
      });
  // file_type IN (1, 2, 3, 7) matches integers only: text, reals and blobs never count as live.
  // INDEX rows (3) are read to find a segment whose raw row is missing.
  db.each(
      "SELECT id, table_id, segment_id, file_id, file_type, row_count, file_size, created_on FROM TableFiles "
      "WHERE file_type IN (1, 2, 3, 7) ORDER BY id",
      [&](sqlite3_stmt* s) {
        RowPlace place{path, "TableFiles", sqlite3_column_int64(s, 0), ""};
        FileRow f;
        f.origin = place.where().substr(path.size() + 2);
        f.table_id = text(s, 1, place);
        f.segment_id = text(s, 2, place);
        f.file_id = text(s, 3, place);
        f.file_type = integer(s, 4, place);
        // row_count is only a hint (the files are counted): a REAL there (seen in real
        // installations: 1.8e19) or a negative count reads as -1, unknown.
        f.row_count = sqlite3_column_type(s, 5) == SQLITE_FLOAT ? -1 : std::max<int64_t>(-1, integer(s, 5, place, true));
        f.created_on = integer(s, 7, place, true);
        f.file_size = integer(s, 6, place, true);
        rows.files.push_back(std::move(f));
      });
  return rows;
}

}  // namespace mm::milvus1x
