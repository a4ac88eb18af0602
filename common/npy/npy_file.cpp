#include "npy/npy_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <regex>

#include "errors.hpp"

namespace mm::npy {

namespace {

// Item size of the NumPy types mm-npy writes and a reader can take as they are.
uint64_t item_bytes(const std::string& descr) {
  static const std::regex kind(R"(([<|])([iuf])(1|2|4|8))");
  std::smatch m;
  if (!std::regex_match(descr, m, kind) || (m[1] == "|" && m[3] != "1")) return 0;
  return std::stoull(m[3]);
}

}  // namespace

NpyFile::NpyFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) fail_errno(path, "cannot open the NumPy file", errno);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail_errno(path, "cannot read the NumPy file", errno);
  const uint64_t size = uint64_t(st.st_size);
  unsigned char head[12] = {0};
  const ssize_t got = ::pread(fd_, head, sizeof head, 0);
  if (got < 10 || std::string(reinterpret_cast<char*>(head), 6) != "\x93NUMPY" || head[6] < 1 || head[6] > 3)
    bad_data(path + ": not a NumPy file");
  const bool long_length = head[6] >= 2;
  const uint64_t dict_at = long_length ? 12 : 10;
  const uint64_t dict_bytes = long_length ? (uint64_t(head[8]) | uint64_t(head[9]) << 8 | uint64_t(head[10]) << 16 | uint64_t(head[11]) << 24)
                                          : (uint64_t(head[8]) | uint64_t(head[9]) << 8);
  if (dict_at + dict_bytes > size || dict_bytes > (1u << 20)) bad_data(path + ": NumPy header longer than the file");
  std::string dict(dict_bytes, '\0');
  if (::pread(fd_, dict.data(), dict.size(), off_t(dict_at)) != ssize_t(dict.size()))
    fail_errno(path, "cannot read the NumPy file", errno);
  data_offset_ = dict_at + dict_bytes;

  static const std::regex layout(
      R"(\{'descr': '([^']*)', 'fortran_order': False, 'shape': \((\d+),(?: (\d+))?\), \}\s*\n)");
  std::smatch m;
  if (!std::regex_match(dict, m, layout))
    bad_data(path + ": NumPy header is not a C-order array of one or two dimensions: " + dict.substr(0, 120));
  descr_ = m[1];
  const uint64_t item = item_bytes(descr_);
  if (item == 0) bad_data(path + ": NumPy type '" + descr_ + "' is not one mm-npy writes");
  rows_ = std::stoull(m[2]);
  const uint64_t columns = m[3].matched ? std::stoull(m[3]) : 1;
  if (columns == 0 || columns > (1u << 20)) bad_data(path + ": NumPy shape with " + std::to_string(columns) + " columns");
  row_bytes_ = item * columns;
  if (rows_ > (size - data_offset_) / row_bytes_ || data_offset_ + rows_ * row_bytes_ != size)
    bad_data(path + ": " + std::to_string(size - data_offset_) + " data bytes, not the " + std::to_string(rows_) + " rows of " +
             std::to_string(row_bytes_) + " bytes its header gives");
}

NpyFile::~NpyFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string NpyFile::read_rows(uint64_t first, uint64_t count) const {
  if (first > rows_ || count > rows_ - first) bad_data(path_ + ": rows " + std::to_string(first) + "+" + std::to_string(count) + " past its end");
  std::string bytes(count * row_bytes_, '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pread(fd_, bytes.data() + done, bytes.size() - done, off_t(data_offset_ + first * row_bytes_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail_errno(path_, "cannot read the NumPy file", n < 0 ? errno : EIO);
    done += size_t(n);
  }
  return bytes;
}

}  // namespace mm::npy
