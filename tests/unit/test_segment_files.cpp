#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "errors.hpp"
#include "milvus1x/segment_files.hpp"

namespace fs = std::filesystem;
using namespace mm::milvus1x;

namespace {
// A scratch directory with one segment: <root>/t/9/{9.rv,9.uid,deleted_docs}.
struct SegmentDir {
  fs::path root = fs::temp_directory_path() / ("mm-unit-" + std::to_string(::getpid()));
  fs::path dir = root / "t" / "9";
  SegmentDir() { fs::create_directories(dir); }
  ~SegmentDir() { fs::remove_all(root); }

  static void write(const fs::path& path, uint64_t header, const std::vector<char>& payload) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(&header), 8);
    out.write(payload.data(), std::streamsize(payload.size()));
  }
  template <typename T>
  static std::vector<char> bytes(const std::vector<T>& values) {
    const char* p = reinterpret_cast<const char*>(values.data());
    return std::vector<char>(p, p + values.size() * sizeof(T));
  }
  Segment segment() const {
    Segment s;
    s.collection = "t";
    s.table_id = "t";
    s.segment_id = "9";
    s.dim = 2;
    s.file_type = 1;
    return s;
  }
  void write_valid(const std::vector<int32_t>& deleted) {
    write(dir / "9.rv", 32, std::vector<char>(32, 1));  // 4 rows of 2 floats
    write(dir / "9.uid", 32, bytes(std::vector<int64_t>{5, -1, 5, 7}));
    write(dir / "deleted_docs", deleted.size() * 4, bytes(deleted));
  }
  std::string error_of() {
    Segment s = segment();
    try {
      scan_segment(s, {root.string()}, [](const std::string&) {});
    } catch (const mm::Error& e) {
      BOOST_TEST(e.exit_code() == int(mm::kExitBadData));
      return e.what();
    }
    return "";
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(counts_distinct_in_range_deletes) {
  SegmentDir d;
  d.write_valid({3, 1, 3, 99, -2});
  Segment s = d.segment();
  s.row_count = 2;
  std::vector<std::string> warnings;
  scan_segment(s, {"/nonexistent", d.root.string()}, [&](const std::string& w) { warnings.push_back(w); });
  BOOST_TEST(s.rows == 4u);
  BOOST_TEST(s.deleted == 2u);
  BOOST_TEST(s.live == 2u);
  BOOST_TEST(warnings.empty());
  BOOST_TEST((read_deleted_offsets(s.deleted_docs, 4) == std::vector<uint32_t>{1, 3}));
}

BOOST_AUTO_TEST_CASE(stale_tail_of_deleted_docs_is_ignored) {
  SegmentDir d;
  d.write_valid({});
  SegmentDir::write(d.dir / "deleted_docs", 4, SegmentDir::bytes(std::vector<int32_t>{2, 0, 1}));
  BOOST_TEST((read_deleted_offsets((d.dir / "deleted_docs").string(), 4) == std::vector<uint32_t>{2}));
}

BOOST_AUTO_TEST_CASE(bad_files_are_named_in_one_line) {
  SegmentDir d;
  d.write_valid({});
  SegmentDir::write(d.dir / "9.rv", 64, std::vector<char>(32, 1));
  std::string e = d.error_of();
  BOOST_TEST(e.find("9.rv: truncated") != std::string::npos);
  BOOST_TEST(e.find('\n') == std::string::npos);

  d.write_valid({});
  SegmentDir::write(d.dir / "9.rv", 30, std::vector<char>(30, 1));
  BOOST_TEST(d.error_of().find("not a whole number of 8-byte rows") != std::string::npos);

  d.write_valid({});
  SegmentDir::write(d.dir / "9.uid", 24, std::vector<char>(24, 1));
  BOOST_TEST(d.error_of().find("holds 3 ids but") != std::string::npos);

  d.write_valid({});
  fs::remove(d.dir / "deleted_docs");
  BOOST_TEST(d.error_of().find("deleted_docs: missing") != std::string::npos);

  fs::remove_all(d.dir);
  BOOST_TEST(d.error_of().find("directory not found") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stale_row_count_is_a_warning) {
  SegmentDir d;
  d.write_valid({0});
  Segment s = d.segment();
  s.row_count = 1;
  std::vector<std::string> warnings;
  scan_segment(s, {d.root.string()}, [&](const std::string& w) { warnings.push_back(w); });
  BOOST_TEST(warnings.size() == 1u);
  BOOST_TEST(s.live == 3u);
}

// mm-scan and mm-fetch pick a segment's .rv and .uid by the same rule.
BOOST_AUTO_TEST_CASE(segment_file_choice) {
  using V = std::vector<std::string>;
  BOOST_TEST((segment_file_candidates({"7.rv", "9.rv", "9.uid", "deleted_docs"}, "9", ".rv") == V{"9.rv"}));
  BOOST_TEST((segment_file_candidates({"bloom_filter", "x.rv", "9.uid"}, "9", ".rv") == V{"x.rv"}));
  BOOST_TEST((segment_file_candidates({"b.rv", "a.rv"}, "9", ".rv") == V{"a.rv", "b.rv"}));
  BOOST_TEST(segment_file_candidates({"9.rv.part", "9", ".rv", "deleted_docs"}, "9", ".rv").empty());
}
