// Multipart upload: initiate, send the parts in parallel straight from the file, complete; abort
// on failure so no invisible parts are left to pay for. A file known whole before it is sent
// carries its checksum as metadata from the start; one sent while it is still written (PartUpload)
// gets it at the end, as a small object beside it (checksum_key), written once the object is complete.
#include <algorithm>
#include <atomic>

#include "errors.hpp"
#include "log.hpp"
#include "storage/crypto.hpp"
#include "task_group.hpp"
#include "storage/s3_store.hpp"
#include "storage/xml.hpp"

namespace mm::storage {
namespace {

constexpr uint64_t kMaxParts = 10000;  // S3's limit per upload

// The configured part size, grown (in whole MiB) when the file would need more than 10000 parts.
uint64_t effective_part_size(uint64_t file_size, uint64_t part_size) {
  uint64_t needed = (file_size + kMaxParts - 1) / kMaxParts;
  needed = (needed + (1 << 20) - 1) / (1 << 20) * (1 << 20);
  return std::max(part_size, needed);
}

}  // namespace

std::string S3Store::checksum_key(const std::string& key) { return key + ".mm-sha256"; }

std::string S3Store::start_multipart(const std::string& key, const std::string& sha256) {
  HttpRequest init = request("POST", key, canonical_query({{"uploads", ""}}), kEmptySha256);
  if (!sha256.empty()) init.headers.push_back("x-amz-meta-mm-sha256: " + sha256);
  init.headers.push_back("Content-Type: application/octet-stream");
  HttpResponse answer = http_.send(init, display(key) + ": start multipart upload");
  if (answer.status != 200) fail_answer("start multipart upload", key, init, answer);
  const std::string upload_id = XmlReply(answer.body).root().text("UploadId");
  if (upload_id.empty()) fail(display(key) + ": start multipart upload: answer has no UploadId");
  return upload_id;
}

std::string S3Store::upload_part(const std::string& key, const std::string& upload_id, int fd, unsigned number,
                                 uint64_t offset, uint64_t length, const std::string& sha256) {
  // The part's SHA-256 lets the server check every byte.
  HttpRequest r = request("PUT", key,
                          canonical_query({{"partNumber", std::to_string(number)}, {"uploadId", upload_id}}),
                          options_.unsigned_payload ? "UNSIGNED-PAYLOAD" : sha256);
  r.fd = fd;
  r.offset = offset;
  r.length = length;
  HttpResponse answer = http_.send(r, display(key) + ": PUT part " + std::to_string(number));
  if (answer.status != 200) fail_answer("PUT part " + std::to_string(number), key, r, answer);
  std::string etag = answer.header("etag");
  if (etag.empty()) fail(display(key) + ": part " + std::to_string(number) + " answer has no ETag");
  return etag;
}

void S3Store::complete_multipart(const std::string& key, const std::string& upload_id,
                                 const std::vector<std::string>& etags) {
  std::string body = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i)
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + xml_escape(etags[i]) +
            "</ETag></Part>";
  body += "</CompleteMultipartUpload>";
  HttpRequest done = request("POST", key, canonical_query({{"uploadId", upload_id}}), sha256_hex(body));
  done.headers.push_back("Content-Type: application/xml");
  done.text = body;
  HttpResponse answer = http_.send(done, display(key) + ": complete multipart upload");
  // S3 may answer 200 and still report an error in the body (an <Error> document).
  if (answer.status != 200 || !XmlReply(answer.body).error_code().empty())
    fail_answer("complete multipart upload", key, done, answer);
}

void S3Store::abort_multipart(const std::string& key, const std::string& upload_id) noexcept {
  try {
    HttpRequest abort = request("DELETE", key, canonical_query({{"uploadId", upload_id}}), kEmptySha256);
    http_.send(abort, display(key) + ": abort multipart upload");
  } catch (const std::exception& e) {
    log_warning(std::string(e.what()) + " (the incomplete upload stays until the bucket's lifecycle rules remove it)");
  }
}

void S3Store::digest(SourceFile& file) {
  if (file.size <= options_.part_size) return RemoteStore::digest(file);
  digest_parts(file, effective_part_size(file.size, options_.part_size), options_.part_jobs);
}

void S3Store::put_multipart(const std::string& key, const SourceFile& file, const ProgressFn& progress) {
  const std::string upload_id = start_multipart(key, file.sha256);
  const uint64_t part_size = file.part_size;
  const unsigned parts = unsigned(file.part_sha256.size());
  std::vector<std::string> etags(parts);
  try {
    TaskGroup tasks(options_.part_jobs);
    for (unsigned i = 0; i < parts; ++i) {
      uint64_t offset = uint64_t(i) * part_size, length = std::min(part_size, file.size - offset);
      bool started = tasks.spawn([&, i, offset, length] {
        etags[i] = upload_part(key, upload_id, file.fd, i + 1, offset, length, file.part_sha256[i]);
        progress(length);
      });
      if (!started) break;
    }
    tasks.wait();
    complete_multipart(key, upload_id, etags);
  } catch (...) {
    abort_multipart(key, upload_id);
    throw;
  }
}

// A multipart upload of a file still being written: each part is hashed as it is sent, and the
// file's mm-sha256 goes into checksum_key(key) once the object is complete.
class S3PartUpload final : public PartUpload {
 public:
  S3PartUpload(S3Store& store, std::string key, uint64_t size)
      : store_(store), key_(std::move(key)), size_(size),
        part_size_(effective_part_size(size, store.options_.part_size)),
        sha256_(unsigned((size + part_size_ - 1) / part_size_)), etags_(sha256_.size()) {
    // A checksum left by an earlier upload must not vouch for this one before it is complete.
    store_.remove(S3Store::checksum_key(key_));
    upload_id_ = store_.start_multipart(key_, "");
  }
  ~S3PartUpload() override {
    if (!completed_) store_.abort_multipart(key_, upload_id_);
  }
  uint64_t part_size() const override { return part_size_; }
  unsigned parts() const override { return unsigned(sha256_.size()); }
  void put(unsigned index, int fd, const std::string& path) override {
    const uint64_t offset = uint64_t(index) * part_size_, length = std::min(part_size_, size_ - offset);
    sha256_.at(index) = sha256_file_range(fd, path, offset, length);
    etags_[index] = store_.upload_part(key_, upload_id_, fd, index + 1, offset, length, sha256_[index]);
  }
  void commit() override {
    store_.complete_multipart(key_, upload_id_, etags_);
    completed_ = true;
    const std::string sha256 = parts_digest(sha256_, part_size_);
    store_.put_text(S3Store::checksum_key(key_), sha256);
    store_.check_written(key_, size_, sha256);
  }

 private:
  S3Store& store_;
  std::string key_, upload_id_;
  uint64_t size_, part_size_;
  std::vector<std::string> sha256_, etags_;
  bool completed_ = false;
};

std::unique_ptr<PartUpload> S3Store::start_parts(const std::string& key, uint64_t size) {
  if (size <= options_.part_size) return nullptr;  // one PUT, at the group record
  return std::make_unique<S3PartUpload>(*this, key, size);
}

}  // namespace mm::storage
