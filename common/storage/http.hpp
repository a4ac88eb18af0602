// A small HTTP client over libcurl for the object stores: one request at a time per thread,
// connections reused through a handle pool, bodies streamed from a file range with pread (never
// buffered whole), transient failures retried with backoff.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/retry.hpp"

namespace mm::storage {

struct HttpOptions {
  std::string ca_file;            // CA bundle for HTTPS; certificates are always verified
  std::string cert_file, key_file;  // client certificate and key, for mutual TLS
  std::string connect_to;         // "HOST:PORT:ADDR:PORT": reach the URL's host at another address
  long connect_timeout_s = 10;
  long stall_timeout_s = 60;      // give up on a transfer when no byte moved for this long
  RetryPolicy retry;
  std::vector<std::string> secrets;  // scrubbed from every message, should a server echo one
};

// AWS Signature V4 done by libcurl (CURLOPT_AWS_SIGV4). libcurl 7.88 signs the path and query
// exactly as given and takes the payload hash from the x-amz-content-sha256 header, so callers
// pass canonical (encoded, sorted) URLs and always set that header.
struct SigV4 {
  std::string region, service, access_key, secret_key;
};

// Where a GET's object bytes (a 2xx answer's body) go: straight into a file with pwrite at their
// own offsets, never buffered, so memory stays bounded. The sink wants `length` bytes of the object
// from `offset` (kWhole: the whole object). Every attempt asks only for what is still missing
// ("Range: bytes=N-M"), so a retry after a dropped connection resumes instead of starting over.
struct FileSink {
  static constexpr uint64_t kWhole = UINT64_MAX;
  int fd = -1;
  std::string path;  // for messages
  uint64_t offset = 0, length = kWhole;
  uint64_t received = 0;                         // of those bytes, in the file so far
  std::function<void(uint64_t bytes)> progress;  // optional: each chunk written
};

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string text;                  // body from memory, or ...
  int fd = -1;                       // ... `length` bytes of this file from `offset`
  uint64_t offset = 0, length = 0;
  const SigV4* sigv4 = nullptr;
  FileSink* sink = nullptr;  // GET only: a 2xx body goes here instead of into the response
  // Called before each attempt to add headers that must be fresh (a date and its signature).
  std::function<void(std::vector<std::string>& headers)> sign;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;                            // at most 1 MiB is kept
  std::string header(const std::string& lower_name) const;
  // The Content-Length header; fails naming `what` when it is missing or not a number.
  uint64_t content_length(const std::string& what) const;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Returns the server's answer, whatever its status, once it is final (not retryable, or the
  // retries are spent). Fails with "<what>: <transport error> (after N attempts)" when no answer
  // came. `what` names the object and endpoint; it must hold no secret.
  HttpResponse send(const HttpRequest& request, const std::string& what);

  // `message` with every configured secret replaced by "***".
  std::string scrub(std::string message) const;

 private:
  void* acquire();
  void release(void* handle);
  HttpOptions options_;
  std::mutex mutex_;
  std::vector<void*> idle_;
};

}  // namespace mm::storage
