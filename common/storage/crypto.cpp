#include "storage/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <vector>

#include "errors.hpp"
#include "storage/transfer_slots.hpp"

namespace mm::storage {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(new Impl) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) fail("OpenSSL: cannot start SHA-256");
}
Sha256::~Sha256() = default;

void Sha256::update(const void* data, size_t n) {
  if (EVP_DigestUpdate(impl_->ctx, data, n) != 1) fail("OpenSSL: SHA-256 update failed");
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, digest, &n) != 1) fail("OpenSSL: SHA-256 final failed");
  return hex_encode(std::string(reinterpret_cast<char*>(digest), n));
}

std::string hex_encode(const std::string& raw) {
  std::string out(raw.size() * 2 + 1, '\0');
  size_t length = 0;
  if (OPENSSL_buf2hexstr_ex(out.data(), out.size(), &length, reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                            '\0') != 1)
    fail("OpenSSL: hex encoding failed");
  out.resize(length > 0 ? length - 1 : 0);  // the length counts the terminating NUL
  // OpenSSL writes upper case; SigV4 and our checksums are lower case.
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

std::string sha256_hex(const std::string& data) {
  Sha256 h;
  h.update(data.data(), data.size());
  return h.hex();
}

std::string sha256_file_range(int fd, const std::string& path, uint64_t offset, uint64_t length) {
  TransferSlot slot;  // the buffer counts against the process's bound
  std::vector<char> buffer(size_t(std::min<uint64_t>(length, 1u << 20)) + 1);
  Sha256 h;
  while (length > 0) {
    ssize_t got = pread(fd, buffer.data(), size_t(std::min<uint64_t>(length, buffer.size())), off_t(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail_errno(path, "cannot read", errno);
    if (got == 0) fail(path + ": file shrank while being read");
    h.update(buffer.data(), size_t(got));
    offset += uint64_t(got);
    length -= uint64_t(got);
  }
  return h.hex();
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
            out, &n))
    fail("OpenSSL: HMAC-SHA256 failed");
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string base64_encode(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]), reinterpret_cast<const unsigned char*>(raw.data()),
                          int(raw.size()));
  out.resize(size_t(n));
  return out;
}

std::string base64_decode(const std::string& text, const std::string& what) {
  if (text.empty() || text.size() % 4 != 0) bad_usage(what + ": not base64");
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(&out[0]), reinterpret_cast<const unsigned char*>(text.data()),
                          int(text.size()));
  if (n < 0) bad_usage(what + ": not base64");
  // EVP_DecodeBlock counts the '=' padding as zero bytes; drop them.
  size_t pad = text.size() - text.find_last_not_of('=') - 1;
  out.resize(size_t(n) - std::min<size_t>(pad, 2));
  return out;
}

}  // namespace mm::storage
