// The AWS shared credentials file (INI) as mm-upload and mm-fetch read it: parse_credentials_file,
// and read_credentials_file on the same bytes in a file.
#include "fuzz_common.hpp"
#include "storage/credentials.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  const std::string text(reinterpret_cast<const char*>(data), size);
  mm::fuzz::expect_refusal_only([&] {
    (void)mm::storage::parse_credentials_file(text, "default");
    (void)mm::storage::parse_credentials_file(text, "mm");
  });
  const std::string path = mm::fuzz::scratch() + "/credentials";
  mm::fuzz::write_file(path, data, size);
  mm::fuzz::expect_refusal_only([&] { (void)mm::storage::read_credentials_file(path, "default"); });
  return 0;
}
