#include "storage/http.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <thread>

#include "errors.hpp"
#include "log.hpp"
#include "storage/transfer_slots.hpp"

namespace mm::storage {
namespace {

constexpr size_t kMaxBodyKept = 1 << 20;

struct Transfer {
  const HttpRequest* request = nullptr;
  uint64_t sent = 0;  // body bytes handed to curl
  int read_errno = 0;
  HttpResponse* response = nullptr;
  long status = 0;            // of the answer being received (from its status line)
  bool sink_started = false;  // the answer's body has begun to go to the request's sink
  int write_errno = 0;
  std::string sink_error;
};

size_t read_body(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const HttpRequest& r = *t->request;
  size_t room = size * count;
  if (r.fd < 0) {
    size_t n = std::min(room, r.text.size() - size_t(t->sent));
    std::memcpy(buffer, r.text.data() + t->sent, n);
    t->sent += n;
    return n;
  }
  size_t want = size_t(std::min<uint64_t>(room, r.length - t->sent));
  if (want == 0) return 0;
  for (;;) {
    ssize_t got = pread(r.fd, buffer, want, off_t(r.offset + t->sent));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      t->read_errno = got < 0 ? errno : EIO;  // a file that shrank is as bad as a read error
      return CURL_READFUNC_ABORT;
    }
    t->sent += uint64_t(got);
    return size_t(got);
  }
}

// libcurl rewinds the body when it must send it again on the same request (e.g. after a 100-continue refusal).
int seek_body(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  t->sent = uint64_t(offset);
  return CURL_SEEKFUNC_OK;
}

// "bytes 100-199/200" -> 100; UINT64_MAX when it does not parse.
uint64_t content_range_start(const std::string& value) {
  if (value.rfind("bytes ", 0) != 0) return UINT64_MAX;
  size_t end = value.find('-', 6);
  std::string digits = value.substr(6, end == std::string::npos ? std::string::npos : end - 6);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return UINT64_MAX;
  return std::stoull(digits);
}

size_t write_sink(Transfer& t, FileSink& sink, const char* data, size_t n) {
  if (!t.sink_started) {
    t.sink_started = true;
    if (t.status == 206) {
      // A ranged answer must continue exactly where the sink's bytes end.
      uint64_t start = content_range_start(t.response->header("content-range"));
      if (start != sink.offset + sink.received) {
        t.sink_error = "ranged answer starts at \"" + t.response->header("content-range") + "\", expected byte " +
                       std::to_string(sink.offset + sink.received);
        return 0;
      }
    } else if (sink.offset == 0 && sink.length == FileSink::kWhole) {
      sink.received = 0;  // the server sent the whole object again
    } else {
      t.sink_error = "the server ignored the Range request (HTTP " + std::to_string(t.status) + ")";
      return 0;
    }
  }
  if (sink.length != FileSink::kWhole && n > sink.length - sink.received) {
    t.sink_error = "the answer holds more than the " + std::to_string(sink.length) + " bytes asked for";
    return 0;
  }
  for (size_t done = 0; done < n;) {
    ssize_t wrote = pwrite(sink.fd, data + done, n - done, off_t(sink.offset + sink.received));
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) {
      t.write_errno = errno;
      return 0;
    }
    done += size_t(wrote);
    sink.received += uint64_t(wrote);
  }
  if (sink.progress) sink.progress(n);
  return n;
}

size_t keep_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  FileSink* sink = t->request->sink;
  if (sink && t->status >= 200 && t->status < 300) return write_sink(*t, *sink, data, n);
  std::string& body = t->response->body;
  body.append(data, std::min(n, kMaxBodyKept - std::min(kMaxBodyKept, body.size())));
  return n;
}

size_t keep_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after "100 Continue" or a retry): start over
    t->response->headers.clear();
    size_t code = line.find(' ');
    t->status = code == std::string::npos ? 0 : std::strtol(line.c_str() + code + 1, nullptr, 10);
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  size_t b = line.find_first_not_of(" \t", colon + 1);
  size_t e = line.find_last_not_of(" \t\r\n");
  t->response->headers[name] = (b == std::string::npos || e < b) ? "" : line.substr(b, e - b + 1);
  return n;
}

bool retryable_transport(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) fail("libcurl: initialisation failed");
  });
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

uint64_t HttpResponse::content_length(const std::string& what) const {
  const std::string text = header("content-length");
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    fail(what + ": answer has no valid Content-Length");
  return std::stoull(text);
}

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) { global_init(); }

HttpClient::~HttpClient() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpClient::acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  CURL* h = curl_easy_init();
  if (!h) fail("libcurl: cannot create a handle");
  return h;
}

void HttpClient::release(void* handle) {
  // Forget this request's buffers and callbacks; the handle keeps its open connections for the next.
  curl_easy_reset(static_cast<CURL*>(handle));
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(handle);
}

std::string HttpClient::scrub(std::string message) const {
  for (const auto& secret : options_.secrets) {
    // Real keys are long; scrubbing a very short test value would only garble the message.
    if (secret.size() < 8) continue;
    for (size_t at = message.find(secret); at != std::string::npos; at = message.find(secret, at))
      message.replace(at, secret.size(), "***");
  }
  return message;
}

HttpResponse HttpClient::send(const HttpRequest& request, const std::string& what) {
  thread_local std::mt19937 random(std::random_device{}());
  const unsigned attempts = options_.retry.retries + 1;
  std::string last_error;
  for (unsigned attempt = 1;; ++attempt) {
    HttpResponse response;
    // A file's bytes through curl's buffers: one of the process's transfer slots, per attempt.
    std::optional<TransferSlot> slot;
    if (request.fd >= 0 || request.sink) slot.emplace();
    Transfer transfer;
    transfer.request = &request;
    transfer.response = &response;
    CURL* h = static_cast<CURL*>(acquire());
    std::vector<std::string> headers = request.headers;
    if (const FileSink* sink = request.sink; sink && (sink->offset + sink->received > 0 || sink->length != FileSink::kWhole)) {
      std::string range = "Range: bytes=" + std::to_string(sink->offset + sink->received) + "-";
      if (sink->length != FileSink::kWhole) range += std::to_string(sink->offset + sink->length - 1);
      headers.push_back(range);
    }
    if (request.sign) request.sign(headers);  // after the Range: Azure signs it
    curl_slist* list = nullptr;
    for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
    char error_buffer[CURL_ERROR_SIZE] = "";
    const bool has_body = request.method == "PUT" || request.method == "POST";
    const uint64_t body_size = request.fd >= 0 ? request.length : request.text.size();

    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_s);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_s);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.cert_file.empty()) curl_easy_setopt(h, CURLOPT_SSLCERT, options_.cert_file.c_str());
    if (!options_.key_file.empty()) curl_easy_setopt(h, CURLOPT_SSLKEY, options_.key_file.c_str());
    curl_slist* connect_to = options_.connect_to.empty() ? nullptr : curl_slist_append(nullptr, options_.connect_to.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, keep_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    if (request.sigv4) {
      std::string param = "aws:amz:" + request.sigv4->region + ":" + request.sigv4->service;
      curl_easy_setopt(h, CURLOPT_AWS_SIGV4, param.c_str());  // copied by libcurl
      curl_easy_setopt(h, CURLOPT_USERNAME, request.sigv4->access_key.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, request.sigv4->secret_key.c_str());
    }
    if (request.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (request.method == "PUT") {
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(body_size));
    } else if (request.method == "POST") {
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body_size));
    } else if (request.method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (has_body) {
      curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
      curl_easy_setopt(h, CURLOPT_READDATA, &transfer);
      curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_body);
      curl_easy_setopt(h, CURLOPT_SEEKDATA, &transfer);
      curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);  // bounded: 512 KiB per connection
    }

    if (request.sink) curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024);  // fewer, larger writes

    CURLcode code = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    curl_slist_free_all(list);
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, nullptr);
    curl_slist_free_all(connect_to);
    release(h);

    if (transfer.read_errno != 0) fail_errno(what, "cannot read the file being uploaded", transfer.read_errno);
    if (transfer.write_errno != 0) fail_errno(request.sink->path, "cannot write", transfer.write_errno);
    if (!transfer.sink_error.empty()) fail(scrub(what + ": " + transfer.sink_error));
    // A range that arrived whole is done, even if the connection then failed.
    if (code != CURLE_OK && request.sink && request.sink->length != FileSink::kWhole &&
        request.sink->received == request.sink->length)
      return response;
    bool transient;
    if (code == CURLE_OK) {
      if (!retryable_status(response.status) || attempt == attempts) return response;
      transient = true;
      last_error = "HTTP " + std::to_string(response.status);
    } else {
      transient = retryable_transport(code);
      last_error = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    }
    if (!transient || attempt == attempts)
      fail(scrub(what + ": " + last_error + (attempt > 1 ? " (after " + std::to_string(attempt) + " attempts)" : "")));
    slot.reset();  // not held while waiting
    unsigned wait = backoff_ms(options_.retry, attempt, uint32_t(random()));
    log_debug(scrub(what + ": " + last_error + "; retrying in " + std::to_string(wait) + " ms"));
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
}

}  // namespace mm::storage
