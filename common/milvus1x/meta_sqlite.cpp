#include <sqlite3.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "errors.hpp"
#include "milvus1x/meta_readers.hpp"

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

  template <typename Row>
  void each(const char* sql, Row&& row) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) query_failed(sql);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
    sqlite3_finalize(stmt);
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

std::string text(sqlite3_stmt* stmt, int column) {
  const unsigned char* value = sqlite3_column_text(stmt, column);
  return value ? std::string(reinterpret_cast<const char*>(value), size_t(sqlite3_column_bytes(stmt, column))) : "";
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
  PrivateCopy copy(path);
  Db db(copy.path(), path);
  MetaRows rows;
  db.each(
      "SELECT table_id, state, dimension, created_on, flag, index_file_size, engine_type, index_params, "
      "metric_type, owner_table, partition_tag, version FROM Tables ORDER BY id",
      [&](sqlite3_stmt* s) {
        TableRow t;
        t.table_id = text(s, 0);
        t.state = sqlite3_column_int(s, 1);
        t.dimension = sqlite3_column_int(s, 2);
        t.created_on = sqlite3_column_int64(s, 3);
        t.flag = sqlite3_column_int64(s, 4);
        t.index_file_size = sqlite3_column_int64(s, 5);
        t.engine_type = sqlite3_column_int(s, 6);
        t.index_params = text(s, 7);
        t.metric_type = sqlite3_column_int(s, 8);
        t.owner_table = text(s, 9);
        t.partition_tag = text(s, 10);
        t.version = text(s, 11);
        rows.tables.push_back(std::move(t));
      });
  db.each(
      "SELECT table_id, segment_id, file_id, file_type, row_count, file_size FROM TableFiles "
      "WHERE file_type IN (1, 2, 7) ORDER BY id",
      [&](sqlite3_stmt* s) {
        FileRow f;
        f.table_id = text(s, 0);
        f.segment_id = text(s, 1);
        f.file_id = text(s, 2);
        f.file_type = sqlite3_column_int(s, 3);
        f.row_count = sqlite3_column_int64(s, 4);
        f.file_size = sqlite3_column_int64(s, 5);
        rows.files.push_back(std::move(f));
      });
  return rows;
}

}  // namespace mm::milvus1x
