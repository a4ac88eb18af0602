#include "milvus1x/wal_check.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include "errors.hpp"
#include "manifest.hpp"
#include "milvus1x/names.hpp"

namespace mm::milvus1x {

namespace {

// MXLogRecordHeader (db/wal/WalBuffer.h, 0.9.1 to 1.1.1), packed, little-endian:
// u64 lsn, u8 type, u16 table id size, u16 partition tag size, u32 row count, u32 data size;
// then the table id, the tag, row count × 8 bytes of ids and the data.
constexpr size_t kHeaderBytes = 21;
// MXLogType (db/wal/WalDefinations.h): None, InsertBinary, InsertVector, Delete, Update, Flush,
// Entity. The real 0.9.1 fixture's inserts carry type 2.
enum RecordType : uint8_t { kNone = 0, kInsertBinary, kInsertVector, kDelete, kUpdate, kFlush, kEntity };

template <typename T>
T little_endian(const unsigned char* p) {
  T v = 0;
  for (size_t i = sizeof(T); i-- > 0;) v = T(v << 8) | p[i];
  return v;
}

class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) fail_errno(path, "cannot open the WAL file", errno);
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads exactly `n` bytes at `offset`; false when the file ends first.
bool read_at(int fd, const std::string& path, uint64_t offset, void* buffer, size_t n) {
  auto* out = static_cast<unsigned char*>(buffer);
  while (n > 0) {
    ssize_t got = ::pread(fd, out, n, off_t(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail_errno(path, "cannot read the WAL file", errno);
    if (got == 0) return false;
    out += got, offset += uint64_t(got), n -= size_t(got);
  }
  return true;
}

// The WAL files of `dir` in write order: "N.wal", N a file number.
std::vector<std::pair<uint64_t, std::string>> wal_files(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) fail_errno(dir, "cannot open the WAL directory", errno);
  std::vector<std::pair<uint64_t, std::string>> files;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    const size_t dot = name.size() > 4 ? name.size() - 4 : 0;
    if (dot == 0 || name.compare(dot, 4, ".wal") != 0 || !is_decimal_id(name.substr(0, dot)) || dot > 10) continue;
    files.emplace_back(std::stoull(name.substr(0, dot)), dir + "/" + name);
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

WalCheck check_wal(const std::string& dir, const MetaRows& rows, const Catalog& catalog) {
  // flush_lsn of every live (collection, tag); a partition is its own Tables row.
  std::map<std::string, int64_t> flush_lsn;
  for (const auto& t : rows.tables)
    if (t.state != kStateDropped) flush_lsn[t.table_id] = t.flush_lsn;
  std::map<std::pair<std::string, std::string>, int64_t> live;
  for (const auto& c : catalog.collections) live[{c.name, ""}] = flush_lsn[c.name];
  for (const auto& p : catalog.partitions) live[{p.collection, p.tag}] = flush_lsn[p.table_id];

  WalCheck check;
  check.dir = dir;
  std::map<std::pair<std::string, std::string>, UnflushedChanges> found;
  for (const auto& [number, path] : wal_files(dir)) {
    Fd fd(path);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail_errno(path, "cannot read the WAL file", errno);
    ++check.files;
    const uint64_t size = uint64_t(st.st_size);
    for (uint64_t offset = 0; offset < size;) {
      const std::string at = path + " at offset " + std::to_string(offset);
      unsigned char h[kHeaderBytes];
      if (!read_at(fd.get(), path, offset, h, kHeaderBytes))
        bad_data(at + ": the file ends inside a WAL record header (cut short?)");
      const auto lsn = little_endian<uint64_t>(h);
      const uint8_t type = h[8];
      const auto id_size = little_endian<uint16_t>(h + 9), tag_size = little_endian<uint16_t>(h + 11);
      const auto rows_in = little_endian<uint32_t>(h + 13), data_size = little_endian<uint32_t>(h + 17);
      const uint64_t record = kHeaderBytes + id_size + tag_size + uint64_t(rows_in) * 8 + data_size;
      // A record's lsn is its file number and the offset where it ends: anything else is not a WAL.
      if (type > kEntity || id_size == 0 || (lsn >> 32) != number || (lsn & 0xffffffffu) != offset + record)
        bad_data(at + ": not a Milvus 1.x WAL record (lsn " + std::to_string(lsn) + ", type " + std::to_string(type) +
                 ", record of " + std::to_string(record) + " bytes)");
      std::string names(size_t(id_size) + tag_size, '\0');
      if (!read_at(fd.get(), path, offset + kHeaderBytes, names.data(), names.size()))
        bad_data(at + ": the file ends inside a WAL record's table name (cut short?)");
      ++check.records;
      offset += record;
      const bool insert = type == kInsertBinary || type == kInsertVector || type == kEntity || type == kUpdate;
      if (!insert && type != kDelete) continue;  // flush and empty records change no rows
      const std::pair<std::string, std::string> key{names.substr(0, id_size), names.substr(id_size)};
      auto it = live.find(key);
      if (it == live.end()) {
        ++check.dropped_records;
        continue;
      }
      if (rows.has_flush_lsn && int64_t(lsn) <= it->second) continue;
      auto& changes = found[key];
      changes.collection = key.first, changes.tag = key.second;
      changes.flush_lsn = rows.has_flush_lsn ? it->second : -1;
      changes.last_lsn = std::max(changes.last_lsn, lsn);
      if (insert)
        ++changes.insert_records, changes.insert_rows += rows_in;
      else
        ++changes.delete_records, changes.delete_ids += rows_in;
    }
  }
  for (auto& [key, changes] : found) check.unflushed.push_back(std::move(changes));
  return check;
}

std::string describe(const UnflushedChanges& c) {
  auto count = [](uint64_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); };
  std::string text = "collection " + shown_name(c.collection) + (c.tag.empty() ? "" : ", partition tag " + quoted(c.tag)) + ": ";
  if (c.insert_records) text += count(c.insert_records, "insert record", "insert records") + " (" + count(c.insert_rows, "row", "rows") + ")";
  if (c.insert_records && c.delete_records) text += ", ";
  if (c.delete_records) text += count(c.delete_records, "delete record", "delete records") + " (" + count(c.delete_ids, "id", "ids") + ")";
  return text + (c.flush_lsn >= 0 ? " past flush_lsn " + std::to_string(c.flush_lsn) : "");
}

}  // namespace mm::milvus1x
