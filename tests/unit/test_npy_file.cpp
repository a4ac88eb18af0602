// NpyFile reads back what npy::header and mm-npy write, and refuses what they never write.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "errors.hpp"
#include "npy/npy_file.hpp"
#include "npy/npy_header.hpp"

using mm::npy::NpyFile;

namespace {

struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    char tmpl[] = "/tmp/mm-npy-file.XXXXXX";
    dir = ::mkdtemp(tmpl);
  }
  ~Scratch() { std::filesystem::remove_all(dir); }
  std::string write(const std::string& name, const std::string& bytes) const {
    const auto path = (dir / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
};

std::string refusal(const std::string& path) {
  try {
    NpyFile f(path);
  } catch (const mm::Error& e) {
    BOOST_TEST(e.exit_code() == mm::kExitBadData);
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(reads_rows_of_1d_and_2d_files) {
  Scratch s;
  std::string ids;
  for (int64_t id : {7, -3, 9}) ids.append(reinterpret_cast<const char*>(&id), 8);
  NpyFile f(s.write("id.npy", mm::npy::header("<i8", {3}) + ids));
  BOOST_TEST(f.rows() == 3u);
  BOOST_TEST(f.row_bytes() == 8u);
  int64_t second;
  std::memcpy(&second, f.read_rows(1, 1).data(), 8);
  BOOST_TEST(second == -3);
  NpyFile v(s.write("data.npy", mm::npy::header("|u1", {2, 4}) + "abcdefgh"));
  BOOST_TEST(v.row_bytes() == 4u);
  BOOST_TEST(v.read_rows(1, 1) == "efgh");
  BOOST_CHECK_THROW(v.read_rows(1, 2), mm::Error);
}

BOOST_AUTO_TEST_CASE(refuses_what_mm_npy_never_writes) {
  Scratch s;
  BOOST_TEST(refusal(s.write("short.npy", mm::npy::header("<f4", {2, 2}) + std::string(12, 'x'))).find("not the 2 rows of 8 bytes") !=
             std::string::npos);
  BOOST_TEST(refusal(s.write("text.npy", "hello, world\n")).find("not a NumPy file") != std::string::npos);
  std::string fortran = mm::npy::header("<f4", {1, 1});
  fortran.replace(fortran.find("False"), 5, "True ");
  BOOST_TEST(refusal(s.write("fortran.npy", fortran + "abcd")).find("not a C-order array") != std::string::npos);
  BOOST_TEST(refusal(s.write("object.npy", mm::npy::header("|O", {1}) + "x")).find("is not one mm-npy writes") != std::string::npos);
  BOOST_CHECK_THROW(NpyFile((s.dir / "missing.npy").string()), mm::Error);  // exit status 1: I/O
}
