#include "npy/group_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "errors.hpp"
#include "fs_sync.hpp"
#include "manifest.hpp"
#include "milvus1x/segment_files.hpp"
#include "npy/npy_header.hpp"
#include "records/group.hpp"

namespace fs = std::filesystem;
using mm::milvus1x::kHeaderBytes;

namespace mm::npy {
namespace {

constexpr uint64_t kWindowBytes = 4ull << 20;        // the window of one writer, when few write at once
constexpr uint64_t kWindowBudget = 32ull << 20;       // the windows of all writers together
constexpr uint64_t kMinWindowBytes = 256ull << 10;
constexpr uint64_t kKernelCopyMinBytes = 1ull << 20;  // shorter delete-free runs are cheaper through the window
constexpr uint64_t kWritebackBytes = 32ull << 20;  // how much written data may wait before writeback starts
std::atomic<bool> g_kernel_copy{true};         // cleared when copy_file_range is not supported

// Fills one file from `offset` on with positional writes, so that several threads can write
// disjoint ranges of the same file at once.
class FileCursor {
 public:
  FileCursor(int fd, const std::string& path, uint64_t offset) : fd_(fd), path_(path), pos_(offset), kicked_(offset) {}
  void write_all(const char* data, size_t n) {
    while (n > 0) {
      ssize_t done = ::pwrite(fd_, data, n, off_t(pos_));
      if (done < 0 && errno == EINTR) continue;
      if (done <= 0) fail_errno(path_, "cannot write", errno);
      data += done;
      n -= size_t(done);
      wrote(uint64_t(done));
    }
  }
  // Copies `n` bytes at `offset` of `in` to the cursor, in the kernel where it can.
  void copy_from(int in, const std::string& in_path, uint64_t offset, uint64_t n, std::vector<char>& buffer) {
    while (n > 0 && g_kernel_copy.load(std::memory_order_relaxed)) {
      loff_t from = loff_t(offset), to = loff_t(pos_);
      ssize_t done = copy_file_range(in, &from, fd_, &to, size_t(std::min<uint64_t>(n, 1ull << 30)), 0);
      if (done < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINVAL)) {
        g_kernel_copy = false;
        break;
      }
      if (done < 0) fail_errno(in_path + " -> " + path_, "cannot copy", errno);
      if (done == 0) bad_data(in_path + ": shorter than its header declares (changed while being read?)");
      offset += uint64_t(done);
      n -= uint64_t(done);
      wrote(uint64_t(done));
    }
    while (n > 0) {
      size_t step = size_t(std::min<uint64_t>(n, buffer.size()));
      read_exact(in, in_path, offset, buffer.data(), step);
      write_all(buffer.data(), step);
      offset += step;
      n -= step;
    }
  }
  static void read_exact(int fd, const std::string& path, uint64_t offset, char* data, size_t n) {
    while (n > 0) {
      ssize_t got = pread(fd, data, n, off_t(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail_errno(path, "cannot read", errno);
      if (got == 0) bad_data(path + ": shorter than its header declares (changed while being read?)");
      data += got;
      offset += uint64_t(got);
      n -= size_t(got);
    }
  }

 private:
  // Starts writeback of what was written so far, so the disk works while we copy and the
  // final fsync has little left to wait for.
  void wrote(uint64_t n) {
    pos_ += n;
    if (pos_ - kicked_ < kWritebackBytes) return;
    sync_file_range(fd_, off64_t(kicked_), off64_t(pos_ - kicked_), SYNC_FILE_RANGE_WRITE);
    kicked_ = pos_;
  }

  int fd_;
  std::string path_;
  uint64_t pos_, kicked_;
};

// The physical row holding live row `live` of a segment, given its sorted deleted rows: live + k,
// k the number of deleted rows before it. deleted[i] - i (the live rows before the i-th deleted
// row) never decreases, so k is found by bisection.
uint64_t physical_row(const std::vector<uint32_t>& deleted, uint64_t live) {
  size_t lo = 0, hi = deleted.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (deleted[mid] - mid <= live)
      lo = mid + 1;
    else
      hi = mid;
  }
  return live + lo;
}

// Appends the live rows among physical rows [begin, end) of `in` to `out`. Long delete-free runs
// go through the kernel; elsewhere a window of rows is read, compacted and written, so short runs
// between deletes cost one read and one write per window, not a system call each.
void copy_live_rows(int in, const std::string& in_path, uint64_t row_size, const std::vector<uint32_t>& deleted,
                    uint64_t begin, uint64_t end, FileCursor& out, std::vector<char>& buffer,
                    const std::function<void(uint64_t)>& progress) {
  const uint64_t window = std::max<uint64_t>(1, buffer.size() / row_size);
  const uint64_t kernel_rows = std::max<uint64_t>(1, kKernelCopyMinBytes / row_size);
  auto next_deleted = std::lower_bound(deleted.begin(), deleted.end(), begin);
  uint64_t row = begin;
  while (row < end) {
    uint64_t run_end = next_deleted == deleted.end() ? end : std::min<uint64_t>(end, *next_deleted);
    if (run_end - row >= kernel_rows) {
      out.copy_from(in, in_path, kHeaderBytes + row * row_size, (run_end - row) * row_size, buffer);
      progress((run_end - row) * row_size);
      row = run_end;
      continue;
    }
    uint64_t window_end = std::min(end, row + window);
    FileCursor::read_exact(in, in_path, kHeaderBytes + row * row_size, buffer.data(), size_t((window_end - row) * row_size));
    size_t kept = 0;
    for (uint64_t r = row; r < window_end; ++r) {
      if (next_deleted != deleted.end() && *next_deleted == r) {
        ++next_deleted;
        continue;
      }
      if (kept != (r - row) * row_size) std::memmove(buffer.data() + kept, buffer.data() + (r - row) * row_size, row_size);
      kept += row_size;
    }
    out.write_all(buffer.data(), kept);
    progress(kept);
    row = window_end;
  }
}

std::vector<records::GroupPiece> record_pieces(const GroupPlan& plan) {
  std::vector<records::GroupPiece> pieces;
  for (const auto& p : plan.pieces) pieces.push_back({p.segment.segment_id, p.segment.table_id, p.first_live, p.rows});
  return pieces;
}

// pieces.json: the group's pieces as its record has them
std::string pieces_json(const GroupPlan& plan) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  records::write_pieces(w, record_pieces(plan));
  return std::string(buffer.GetString(), buffer.GetSize());
}

uint64_t size_or_zero(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? 0 : uint64_t(size);
}

// A complete group from an earlier run: same pieces, files of the expected sizes.
bool is_complete(const fs::path& dir, const GroupPlan& plan, const std::string& id_name, const std::string& vec_name,
                 uint64_t id_size, uint64_t vec_size) {
  std::ifstream in(dir / "pieces.json");
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  return text.str() == pieces_json(plan) + "\n" && size_or_zero(dir / id_name) == id_size &&
         size_or_zero(dir / vec_name) == vec_size;
}

int create_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail_errno(path, "cannot create", errno);
  return fd;
}

void close_synced(int& fd, const std::string& path) {
  if (fsync(fd) != 0) fail_errno(path, "cannot sync", errno);
  int closing = fd;
  fd = -1;
  if (::close(closing) != 0) fail_errno(path, "cannot close", errno);
}

}  // namespace

GroupWriter::GroupWriter(GroupPlan plan, const std::string& out_dir, const FieldNames& fields) : plan_(std::move(plan)) {
  const uint64_t row_size = plan_.row_bytes();
  const std::string id_header = header("<i8", {plan_.rows});
  const std::string vec_header = plan_.vector == milvus1x::VectorKind::Binary
                                     ? header("|u1", {plan_.rows, row_size})
                                     : header("<f4", {plan_.rows, uint64_t(plan_.dim)});
  id_header_ = id_header.size();
  vector_header_ = vec_header.size();
  const std::string id_name = fields.id + ".npy", vec_name = fields.vector + ".npy";

  fs::path parent = fs::absolute(fs::path(out_dir) / plan_.collection / plan_.partition).lexically_normal();
  fs::path final_dir = parent / plan_.name;
  parent_dir_ = parent.string();
  out_.dir = final_dir.string();
  out_.id_path = (final_dir / id_name).string();
  out_.vector_path = (final_dir / vec_name).string();
  const uint64_t id_size = id_header_ + plan_.rows * 8, vec_size = vector_header_ + plan_.rows * row_size;
  out_.bytes = id_size + vec_size;
  if (is_complete(final_dir, plan_, id_name, vec_name, id_size, vec_size)) {
    out_.reused = true;
    return;
  }

  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) fail(parent.string() + ": cannot create directory: " + ec.message());
  fs::path tmp = parent / (".tmp-" + plan_.name);
  fs::remove_all(tmp, ec);  // leftover of an interrupted run
  if (!fs::create_directory(tmp, ec)) fail(tmp.string() + ": cannot create directory: " + ec.message());
  tmp_dir_ = tmp.string();
  id_tmp_ = (tmp / id_name).string();
  vector_tmp_ = (tmp / vec_name).string();
  try {
    id_fd_ = create_file(id_tmp_);
    vector_fd_ = create_file(vector_tmp_);
    FileCursor(id_fd_, id_tmp_, 0).write_all(id_header.data(), id_header.size());
    FileCursor(vector_fd_, vector_tmp_, 0).write_all(vec_header.data(), vec_header.size());
  } catch (...) {
    abandon();
    throw;
  }
}

GroupWriter::~GroupWriter() { abandon(); }

void GroupWriter::abandon() {
  for (int* fd : {&id_fd_, &vector_fd_})
    if (*fd >= 0) ::close(std::exchange(*fd, -1));
  std::error_code ec;
  if (!finished_ && !tmp_dir_.empty()) fs::remove_all(tmp_dir_, ec);  // never leave a half-written group behind
}

std::vector<Chunk> GroupWriter::chunks(uint64_t chunk_bytes) {
  std::vector<Chunk> out;
  if (out_.reused) return out;
  const uint64_t chunk_rows = std::max<uint64_t>(1, chunk_bytes / (plan_.row_bytes() + 8));
  deleted_ = std::make_unique<PieceDeletes[]>(plan_.pieces.size());
  uint64_t out_row = 0;
  for (size_t i = 0; i < plan_.pieces.size(); ++i) {
    const auto& piece = plan_.pieces[i];
    for (uint64_t done = 0; done < piece.rows;) {
      uint64_t rows = std::min(chunk_rows, piece.rows - done);
      out.push_back(Chunk{i, piece.first_live + done, rows, out_row});
      ++deleted_[i].chunks_left;
      done += rows;
      out_row += rows;
    }
  }
  return out;
}

std::shared_ptr<const std::vector<uint32_t>> GroupWriter::deleted_rows(size_t piece) {
  PieceDeletes& d = deleted_[piece];
  std::lock_guard<std::mutex> lock(d.mutex);
  if (!d.rows) {
    const auto& s = plan_.pieces[piece].segment;
    auto rows = std::make_shared<const std::vector<uint32_t>>(milvus1x::read_deleted_offsets(s.deleted_docs, s.rows));
    if (s.rows - rows->size() != s.live)
      bad_data(s.deleted_docs + ": now marks " + std::to_string(rows->size()) + " rows deleted, mm-scan counted " +
               std::to_string(s.deleted) + " (the segment changed since mm-scan?)");
    d.rows = std::move(rows);
  }
  return d.rows;
}

uint64_t window_bytes(unsigned jobs) {
  return std::clamp<uint64_t>(kWindowBudget / std::max(1u, jobs), kMinWindowBytes, kWindowBytes);
}

void GroupWriter::write(const Chunk& chunk, uint64_t window_bytes, const std::function<void(uint64_t)>& progress) {
  const uint64_t row_size = plan_.row_bytes();
  const auto& s = plan_.pieces.at(chunk.piece).segment;
  milvus1x::PayloadFile uid(s.uid, s.rows * 8), rv(s.rv, s.rows * row_size);
  const auto deleted_ptr = deleted_rows(chunk.piece);
  const auto& deleted = *deleted_ptr;
  uint64_t begin = physical_row(deleted, chunk.first_live);
  uint64_t end = physical_row(deleted, chunk.first_live + chunk.rows - 1) + 1;
  std::vector<char> buffer(size_t(std::max<uint64_t>(window_bytes, row_size)));
  FileCursor ids(id_fd_, id_tmp_, id_header_ + chunk.out_row * 8);
  FileCursor vectors(vector_fd_, vector_tmp_, vector_header_ + chunk.out_row * row_size);
  copy_live_rows(uid.fd(), s.uid, 8, deleted, begin, end, ids, buffer, [](uint64_t) {});
  copy_live_rows(rv.fd(), s.rv, row_size, deleted, begin, end, vectors, buffer,
                 [&](uint64_t bytes) { progress(bytes + bytes / row_size * 8); });
  PieceDeletes& d = deleted_[chunk.piece];
  std::lock_guard<std::mutex> lock(d.mutex);
  if (--d.chunks_left == 0) d.rows.reset();  // the piece is written: its deleted rows go
}

void GroupWriter::finish() {
  if (out_.reused) return;
  const fs::path tmp(tmp_dir_), final_dir(out_.dir);
  close_synced(id_fd_, id_tmp_);
  close_synced(vector_fd_, vector_tmp_);
  {
    std::ofstream marker(tmp / "pieces.json");
    marker << pieces_json(plan_) << "\n";
    if (!marker.flush()) fail((tmp / "pieces.json").string() + ": cannot write");
  }
  const uint64_t id_size = id_header_ + plan_.rows * 8, vec_size = out_.bytes - id_size;
  if (size_or_zero(id_tmp_) != id_size || size_or_zero(vector_tmp_) != vec_size)
    fail(tmp.string() + ": written files do not have the expected sizes");
  std::error_code ec;
  fs::remove_all(final_dir, ec);  // an incomplete or different group under the final name
  fs::rename(tmp, final_dir, ec);
  if (ec) fail(final_dir.string() + ": cannot rename into place: " + ec.message());
  finished_ = true;
  sync_dir(parent_dir_);
}

records::Chunk GroupWriter::announcement(const Chunk& chunk, const FieldNames& fields) const {
  records::Chunk c{plan_.collection, plan_.partition, plan_.name, {}};
  auto range = [&](const std::string& field, const std::string& path, const std::string& final_path, uint64_t header,
                   uint64_t row_size) {
    uint64_t begin = chunk.out_row == 0 ? 0 : header + chunk.out_row * row_size;
    uint64_t end = header + (chunk.out_row + chunk.rows) * row_size;
    c.files.push_back({field, path, final_path, header + plan_.rows * row_size, begin, end - begin});
  };
  range(fields.id, id_tmp_, out_.id_path, id_header_, 8);
  range(fields.vector, vector_tmp_, out_.vector_path, vector_header_, plan_.row_bytes());
  return c;
}

std::string group_record(const GroupPlan& plan, const GroupOutput& out, const FieldNames& fields) {
  records::Group g;
  g.collection = plan.collection;
  g.partition = plan.partition;
  g.tag = plan.tag;
  g.name = plan.name;
  g.dir = out.dir;
  g.rows = plan.rows;
  g.bytes = out.bytes;
  g.dim = plan.dim;
  g.vector = milvus1x::vector_kind_name(plan.vector);
  g.files = {{fields.id, out.id_path}, {fields.vector, out.vector_path}};
  g.has_files = true;
  g.pieces = record_pieces(plan);
  g.reused = out.reused;
  return records::to_json(g);
}

}  // namespace mm::npy
