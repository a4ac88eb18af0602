#include "milvus2x/post_import.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <random>

#include "errors.hpp"
#include "log.hpp"
#include "milvus2x/index_map.hpp"
#include "milvus2x/sample_check.hpp"

namespace mm::milvus2x {
namespace {

// The byte offset of the data in a .npy file (after its header).
uint64_t npy_data_offset(int fd, const std::string& path) {
  unsigned char head[12];
  if (pread(fd, head, sizeof head, 0) != ssize_t(sizeof head) || std::string(reinterpret_cast<char*>(head) + 1, 5) != "NUMPY")
    bad_data(path + ": not a NumPy file");
  if (head[6] == 1) return 10 + (uint64_t(head[8]) | uint64_t(head[9]) << 8);
  return 12 + (uint64_t(head[8]) | uint64_t(head[9]) << 8 | uint64_t(head[10]) << 16 | uint64_t(head[11]) << 24);
}

struct FileHandle {
  explicit FileHandle(const std::string& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd < 0) fail_errno(path, "cannot open a source file for --verify-sample", errno);
  }
  ~FileHandle() { ::close(fd); }
  int fd;
};

std::string read_at(int fd, const std::string& path, uint64_t offset, size_t n) {
  std::string bytes(n, '\0');
  if (pread(fd, bytes.data(), n, off_t(offset)) != ssize_t(n)) fail_errno(path, "cannot read", errno);
  return bytes;
}

}  // namespace

PostImport::PostImport(Client& client, PostImportOptions options) : client_(client), options_(std::move(options)) {}

void PostImport::add_sample_source(const std::string& collection, const std::string& id_file, const std::string& vector_file,
                                   uint64_t rows, uint64_t row_bytes) {
  samples_.push_back({collection, id_file, vector_file, rows, row_bytes});
}

void PostImport::run(const std::map<std::string, CollectionInfo>& collections, const std::map<std::string, int64_t>& unindexable) {
  if (options_.create_index || options_.load || options_.verify_sample) index_and_load(collections, unindexable);
  if (options_.verify_sample)
    for (const auto& [name, info] : collections) verify_sample(name);
}

void PostImport::index_and_load(const std::map<std::string, CollectionInfo>& collections,
                                const std::map<std::string, int64_t>& unindexable) {
  for (const auto& [name, info] : collections) {
    if (options_.create_index && !client_.has_index(name, options_.vector_field)) {
      IndexSpec spec = index_for_1x(info.engine_type, info.metric, info.index_params);
      client_.create_index(name, options_.vector_field, spec.index_type, spec.metric, spec.params);
      log_info("building index " + spec.index_type + " " + spec.params + " (" + spec.metric + ") on " + name);
      auto left = unindexable.find(name);
      client_.wait_index(name, options_.vector_field, 3600, left == unindexable.end() ? 0 : left->second);
    }
    if (options_.load) {
      if (!client_.has_index(name, options_.vector_field))
        fail("milvus " + client_.address() + ": cannot load " + name + ": it has no index (use --create-index)");
      client_.load(name, 1800);
      log_info("loaded " + name);
    }
  }
}

// Another copy of `id` in the collection's source files carries `vector` (1.x ids may repeat, and a
// Milvus query returns one row per primary key).
bool PostImport::source_has_row(const std::string& collection, int64_t id, const std::string& vector) const {
  std::vector<int64_t> ids(1 << 16);
  for (const auto& s : samples_) {
    if (s.collection != collection) continue;
    FileHandle ids_file(s.id_file), vectors(s.vector_file);
    uint64_t id_base = npy_data_offset(ids_file.fd, s.id_file), vec_base = npy_data_offset(vectors.fd, s.vector_file);
    for (uint64_t row = 0; row < s.rows; row += ids.size()) {
      size_t n = size_t(std::min<uint64_t>(ids.size(), s.rows - row));
      std::string chunk = read_at(ids_file.fd, s.id_file, id_base + row * 8, n * 8);
      std::memcpy(ids.data(), chunk.data(), n * 8);
      for (size_t i = 0; i < n; ++i)
        if (ids[i] == id && read_at(vectors.fd, s.vector_file, vec_base + (row + i) * s.row_bytes, s.row_bytes) == vector)
          return true;
    }
  }
  return false;
}

void PostImport::verify_sample(const std::string& name) {
  std::mt19937_64 random(std::random_device{}());
  std::vector<const SampleSource*> sources;
  uint64_t total = 0;
  for (const auto& s : samples_)
    if (s.collection == name && s.rows > 0) {
      sources.push_back(&s);
      total += s.rows;
    }
  if (sources.empty()) return;
  // Pick rows uniformly over the collection, then read each id and vector from the source files.
  std::vector<std::pair<int64_t, std::string>> picked;
  unsigned unreadable = 0;
  for (unsigned i = 0; i < options_.verify_sample; ++i) {
    uint64_t n = random() % total;
    const SampleSource* s = sources[0];
    for (const auto* candidate : sources) {
      if (n < candidate->rows) {
        s = candidate;
        break;
      }
      n -= candidate->rows;
    }
    FileHandle ids(s->id_file), vectors(s->vector_file);
    std::string id_bytes = read_at(ids.fd, s->id_file, npy_data_offset(ids.fd, s->id_file) + n * 8, 8);
    int64_t id;
    std::memcpy(&id, id_bytes.data(), 8);
    if (id == std::numeric_limits<int64_t>::max()) {  // Milvus 2.3 counts this id but never returns it
      ++unreadable;
      continue;
    }
    picked.emplace_back(id, read_at(vectors.fd, s->vector_file, npy_data_offset(vectors.fd, s->vector_file) + n * s->row_bytes, s->row_bytes));
  }
  if (unreadable)
    log_warning("verify-sample: " + name + ": skipped " + std::to_string(unreadable) +
                " rows with id 2^63-1, which Milvus does not return from queries");
  auto misses = sample_misses(client_, name, options_.id_field, options_.vector_field, picked,
                              [&](int64_t id, const std::string& vector) { return source_has_row(name, id, vector); });
  if (!misses.empty())
    fail("verify-sample: " + name + " id " + std::to_string(misses[0].id) +
         (misses[0].missing ? ": not found in Milvus" : ": the vector in Milvus differs from the source"));
  log_info("verify-sample: " + std::to_string(picked.size()) + " random rows of " + name + " read back bit-exact");
}

}  // namespace mm::milvus2x
