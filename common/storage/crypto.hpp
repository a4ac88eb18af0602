// SHA-256, HMAC-SHA256 and base64 through OpenSSL: the checksums we store with each object and
// the Azure Shared Key signature.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace mm::storage {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t n);
  std::string hex();  // finishes the digest; lower-case hex, 64 characters

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SHA-256 of no bytes: the payload hash of a request without a body.
inline const char* kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string sha256_hex(const std::string& data);
// SHA-256 of `length` bytes at `offset` of an open file, read in bounded chunks.
std::string sha256_file_range(int fd, const std::string& path, uint64_t offset, uint64_t length);

std::string hmac_sha256(const std::string& key, const std::string& data);  // raw 32 bytes
std::string base64_encode(const std::string& raw);
// Lower-case hex of `raw` (OpenSSL's encoder).
std::string hex_encode(const std::string& raw);
// Fails (kExitUsage) with `what` in the message when `text` is not base64.
std::string base64_decode(const std::string& text, const std::string& what);

}  // namespace mm::storage
