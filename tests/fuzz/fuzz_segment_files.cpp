// The files of one 1.x segment as mm-scan and mm-npy read them: scan_segment over a segment
// directory holding <seg>.rv, <seg>.uid and deleted_docs (every header checked against the sizes),
// read_deleted_offsets, and PayloadFile with the sizes the scan found. The input is cut into the
// three files and the segment's record fields, behind a 32-byte little-endian header:
//   0 u8 kind (odd: binary)  1 u8 file_type+1 (mod 10)  2 u16 dim-1  4 i64 row_count  12 i64 file_size
//   20 u8 with_deleted (odd)  24 u32 .rv bytes  28 u32 .uid bytes; the rest is deleted_docs.
// Shorter inputs are padded with zeros; lengths beyond the input are cut to what is there.
#include <algorithm>
#include <cstring>
#include <filesystem>

#include "fuzz_common.hpp"
#include "milvus1x/segment_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  uint8_t h[32] = {0};
  std::memcpy(h, data, std::min<size_t>(size, sizeof h));
  const uint8_t* rest = data + std::min<size_t>(size, sizeof h);
  size_t left = size - std::min<size_t>(size, sizeof h);
  auto u16 = [&](int at) { return uint32_t(h[at]) | uint32_t(h[at + 1]) << 8; };
  auto u32 = [&](int at) { return u16(at) | u16(at + 2) << 16; };
  auto i64 = [&](int at) { return int64_t(uint64_t(u32(at)) | uint64_t(u32(at + 4)) << 32); };
  mm::milvus1x::Segment s;
  s.collection = "c";
  s.table_id = "t";
  s.segment_id = "1614924431171826000";
  s.vector = (h[0] & 1) ? mm::milvus1x::VectorKind::Binary : mm::milvus1x::VectorKind::Float;
  s.file_type = int(h[1] % 10) - 1;
  // A dim records::read_segment accepts (1 to 32768, binary a multiple of 8): scan_segment trusts it.
  s.dim = 1 + int(u16(2) % 32768);
  if (s.vector == mm::milvus1x::VectorKind::Binary) s.dim = std::max(8, s.dim / 8 * 8);
  s.row_count = i64(4);
  s.file_size = i64(12);
  const bool with_deleted = h[20] & 1;
  auto take = [&](uint32_t n) {
    n = uint32_t(std::min<size_t>(n, left));
    std::string out(reinterpret_cast<const char*>(rest), n);
    rest += n;
    left -= n;
    return out;
  };
  const std::string rv = take(u32(24));
  const std::string uid = take(u32(28));
  const std::string deleted = take(uint32_t(left));

  const std::string root = mm::fuzz::scratch() + "/tables";
  const std::string dir = root + "/t/" + s.segment_id;
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  std::filesystem::create_directories(dir);
  mm::fuzz::write_file(dir + "/" + s.segment_id + ".rv", rv);
  mm::fuzz::write_file(dir + "/" + s.segment_id + ".uid", uid);
  if (with_deleted) mm::fuzz::write_file(dir + "/deleted_docs", deleted);

  mm::fuzz::expect_refusal_only([&] {
    mm::milvus1x::scan_segment(s, {root}, [](const std::string&) {});
    mm::fuzz::require(s.live <= s.rows && s.deleted <= s.rows, "scan_segment: live + deleted within rows");
    if (!s.deleted_docs.empty()) {
      auto offsets = mm::milvus1x::read_deleted_offsets(s.deleted_docs, s.rows);
      mm::fuzz::require(offsets.size() == s.deleted, "read_deleted_offsets agrees with the scan's deleted count");
    }
    mm::milvus1x::PayloadFile rvf(s.rv, s.rows * mm::milvus1x::row_bytes(s.dim, s.vector));
    mm::milvus1x::PayloadFile uidf(s.uid, s.rows * 8);
  });
  // deleted_docs read on its own, as mm-npy does, against any row count.
  if (with_deleted)
    mm::fuzz::expect_refusal_only([&] { (void)mm::milvus1x::read_deleted_offsets(dir + "/deleted_docs", uint64_t(s.row_count)); });
  return 0;
}
