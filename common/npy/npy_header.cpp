#include "npy/npy_header.hpp"

namespace mm::npy {
namespace {
constexpr size_t kAlign = 64;            // numpy's ARRAY_ALIGN
constexpr size_t kGrowthAxisDigits = 21;  // numpy's GROWTH_AXIS_MAX_DIGITS
}  // namespace

std::string header(const std::string& descr, const std::vector<uint64_t>& shape) {
  std::string shape_text = "(";
  for (size_t i = 0; i < shape.size(); ++i) shape_text += (i ? ", " : "") + std::to_string(shape[i]);
  shape_text += shape.size() == 1 ? ",)" : ")";
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_text + ", }";
  // numpy leaves room to grow the first axis in place: spaces up to 21 digits for it.
  std::string first_axis = shape.empty() ? "" : std::to_string(shape[0]);
  if (!shape.empty() && first_axis.size() < kGrowthAxisDigits) dict.append(kGrowthAxisDigits - first_axis.size(), ' ');

  // Version 1.0 has a 2-byte header length; 2.0 a 4-byte one, needed only for huge headers.
  size_t length_bytes = 2;
  unsigned char major = 1;
  size_t padding = kAlign - (6 + 2 + length_bytes + dict.size() + 1) % kAlign;
  if (dict.size() + 1 + padding > 65535) {
    length_bytes = 4;
    major = 2;
    padding = kAlign - (6 + 2 + length_bytes + dict.size() + 1) % kAlign;
  }
  size_t header_len = dict.size() + padding + 1;
  std::string out = "\x93NUMPY";
  out += char(major);
  out += char(0);
  for (size_t i = 0; i < length_bytes; ++i) out += char((header_len >> (8 * i)) & 0xff);
  out += dict;
  out.append(padding, ' ');
  out += '\n';
  return out;
}

}  // namespace mm::npy
