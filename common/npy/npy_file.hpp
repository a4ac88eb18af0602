// Reading a NumPy .npy file back: the files mm-npy writes (one or two dimensions, C order,
// little-endian or byte-sized items), by row, without loading it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mm::npy {

class NpyFile {
 public:
  // Opens PATH and checks its header (magic, version, descr, fortran_order, shape) against the
  // file's size; anything else is a kExitBadData error naming the file.
  explicit NpyFile(const std::string& path);
  ~NpyFile();
  NpyFile(const NpyFile&) = delete;
  NpyFile& operator=(const NpyFile&) = delete;

  const std::string& descr() const { return descr_; }
  uint64_t rows() const { return rows_; }
  uint64_t row_bytes() const { return row_bytes_; }
  // The bytes of rows [first, first + count).
  std::string read_rows(uint64_t first, uint64_t count) const;

 private:
  std::string path_, descr_;
  int fd_ = -1;
  uint64_t data_offset_ = 0, rows_ = 0, row_bytes_ = 0;
};

}  // namespace mm::npy
