#include <boost/test/unit_test.hpp>

#include "npy/npy_header.hpp"

using mm::npy::header;

// Expected bytes were printed by numpy 1.24's np.save for the same arrays.
BOOST_AUTO_TEST_CASE(matches_numpy_for_2d_float) {
  std::string expected = std::string("\x93NUMPY\x01\x00v\x00", 10) +
                         "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }" + std::string(58, ' ') + "\n";
  BOOST_TEST(header("<f4", {3, 4}) == expected);
}

BOOST_AUTO_TEST_CASE(matches_numpy_for_1d_and_binary) {
  std::string ids = header("<i8", {0});
  BOOST_TEST(ids.size() == 128u);
  BOOST_TEST(ids.substr(10, 60) == "{'descr': '<i8', 'fortran_order': False, 'shape': (0,), }   ");
  std::string bin = header("|u1", {10000, 32});
  BOOST_TEST(bin.size() == 128u);
  BOOST_TEST(bin.back() == '\n');
}

BOOST_AUTO_TEST_CASE(header_is_64_byte_aligned) {
  for (uint64_t n : {1ull, 99ull, 123456789012345ull})
    for (uint64_t d : {1ull, 768ull, 32768ull}) BOOST_TEST(header("<f4", {n, d}).size() % 64 == 0u);
}
