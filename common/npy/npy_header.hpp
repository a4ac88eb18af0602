// NumPy .npy headers, byte-identical to what numpy.save (1.24) writes for the same array.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mm::npy {

// descr is a NumPy type string such as "<f4", "<i8" or "|u1"; shape has one or two dimensions.
std::string header(const std::string& descr, const std::vector<uint64_t>& shape);

}  // namespace mm::npy
