#include "milvus2x/sample_check.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <random>

#include "errors.hpp"
#include "milvus1x/segment_rows.hpp"
#include "npy/npy_file.hpp"

namespace mm::milvus2x {

namespace {

// Files are opened per call, never held: a collection can have thousands of segments or groups.
class SegmentSource : public RowSource {
 public:
  explicit SegmentSource(const milvus1x::Segment& s) : segment_(s) {}
  uint64_t rows() const override { return segment_.live; }
  std::pair<int64_t, std::string> row(uint64_t n) const override { return milvus1x::SegmentRows(segment_).live_row(n); }
  bool has_row(int64_t id, const std::string& vector) const override { return milvus1x::SegmentRows(segment_).has_row(id, vector); }

 private:
  milvus1x::Segment segment_;
};

class GroupSource : public RowSource {
 public:
  GroupSource(std::string id_file, std::string vector_file) : id_file_(std::move(id_file)), vector_file_(std::move(vector_file)) {
    npy::NpyFile ids(id_file_), vectors(vector_file_);
    if (ids.descr() != "<i8") bad_data(id_file_ + ": not an int64 id column");
    if (vectors.rows() != ids.rows())
      bad_data(vector_file_ + ": " + std::to_string(vectors.rows()) + " rows, but " + id_file_ + " has " + std::to_string(ids.rows()));
    rows_ = ids.rows();
  }
  uint64_t rows() const override { return rows_; }
  std::pair<int64_t, std::string> row(uint64_t n) const override {
    int64_t id;
    std::memcpy(&id, npy::NpyFile(id_file_).read_rows(n, 1).data(), 8);
    return {id, npy::NpyFile(vector_file_).read_rows(n, 1)};
  }
  bool has_row(int64_t id, const std::string& vector) const override {
    constexpr uint64_t kChunk = 1 << 16;  // ids read 512 KiB at a time
    npy::NpyFile ids(id_file_), vectors(vector_file_);
    for (uint64_t first = 0; first < rows_; first += kChunk) {
      const uint64_t n = std::min(kChunk, rows_ - first);
      const std::string chunk = ids.read_rows(first, n);
      for (uint64_t i = 0; i < n; ++i) {
        int64_t at;
        std::memcpy(&at, chunk.data() + i * 8, 8);
        if (at == id && vectors.read_rows(first + i, 1) == vector) return true;
      }
    }
    return false;
  }

 private:
  std::string id_file_, vector_file_;
  uint64_t rows_ = 0;
};

}  // namespace

std::unique_ptr<RowSource> segment_rows(const milvus1x::Segment& scanned) { return std::make_unique<SegmentSource>(scanned); }

std::unique_ptr<RowSource> group_rows(const std::string& id_file, const std::string& vector_file) {
  return std::make_unique<GroupSource>(id_file, vector_file);
}

SampleResult check_sample(Client& client, const std::string& collection, const std::string& id_field,
                          const std::string& vector_field, unsigned count,
                          const std::vector<std::unique_ptr<RowSource>>& sources) {
  SampleResult result;
  uint64_t total = 0;
  for (const auto& s : sources) total += s->rows();
  if (total == 0) return result;
  std::mt19937_64 random(std::random_device{}());
  std::vector<std::pair<int64_t, std::string>> picked;
  for (unsigned i = 0; i < count; ++i) {
    uint64_t n = random() % total;
    size_t k = 0;
    while (n >= sources[k]->rows()) n -= sources[k++]->rows();
    auto row = sources[k]->row(n);
    if (row.first == std::numeric_limits<int64_t>::max()) {
      ++result.skipped;
      continue;
    }
    picked.push_back(std::move(row));
  }
  auto in_source = [&](int64_t id, const std::string& vector) {
    for (const auto& s : sources)
      if (s->has_row(id, vector)) return true;
    return false;
  };
  for (size_t begin = 0; begin < picked.size(); begin += 1000) {
    const size_t end = std::min(picked.size(), begin + 1000);
    std::vector<int64_t> ids;
    for (size_t i = begin; i < end; ++i) ids.push_back(picked[i].first);
    auto found = client.query_vectors(collection, id_field, vector_field, ids);
    for (size_t i = begin; i < end; ++i) {
      auto [first, last] = found.equal_range(picked[i].first);
      bool same = false;
      for (auto it = first; it != last && !same; ++it) same = it->second == picked[i].second || in_source(it->first, it->second);
      if (!same) result.misses.push_back({picked[i].first, first == last});
    }
  }
  result.checked = picked.size();
  return result;
}

}  // namespace mm::milvus2x
