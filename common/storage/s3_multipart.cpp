// Multipart upload: initiate, send the parts in parallel straight from the file, complete; abort
// on failure so no invisible parts are left to pay for.
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

std::string S3Store::upload_part(const std::string& key, const std::string& upload_id, const SourceFile& file,
                                 unsigned number, uint64_t offset, uint64_t length) {
  // The part's SHA-256 (from digest()) lets the server check every byte.
  std::string sha = options_.unsigned_payload ? "UNSIGNED-PAYLOAD" : file.part_sha256.at(number - 1);
  HttpRequest r = request("PUT", key,
                          canonical_query({{"partNumber", std::to_string(number)}, {"uploadId", upload_id}}), sha);
  r.fd = file.fd;
  r.offset = offset;
  r.length = length;
  HttpResponse answer = http_.send(r, display(key) + ": PUT part " + std::to_string(number));
  if (answer.status != 200) fail_answer("PUT part " + std::to_string(number), key, r, answer);
  std::string etag = answer.header("etag");
  if (etag.empty()) fail(display(key) + ": part " + std::to_string(number) + " answer has no ETag");
  return etag;
}

void S3Store::digest(SourceFile& file) {
  if (file.size <= options_.part_size) return RemoteStore::digest(file);
  file.part_size = effective_part_size(file.size, options_.part_size);
  const unsigned parts = unsigned((file.size + file.part_size - 1) / file.part_size);
  file.part_sha256.assign(parts, "");
  TaskGroup tasks(options_.part_jobs);
  for (unsigned i = 0; i < parts; ++i) {
    uint64_t offset = uint64_t(i) * file.part_size, length = std::min(file.part_size, file.size - offset);
    if (!tasks.spawn([&, i, offset, length] { file.part_sha256[i] = sha256_file_range(file.fd, file.path, offset, length); }))
      break;
  }
  tasks.wait();
  Sha256 whole;
  for (const auto& part : file.part_sha256) whole.update(part.data(), part.size());
  file.sha256 = whole.hex() + "-" + std::to_string(file.part_size);
}

void S3Store::put_multipart(const std::string& key, const SourceFile& file, const ProgressFn& progress) {
  HttpRequest init = request("POST", key, canonical_query({{"uploads", ""}}), kEmptySha256);
  init.headers.push_back("x-amz-meta-mm-sha256: " + file.sha256);
  init.headers.push_back("Content-Type: application/octet-stream");
  HttpResponse answer = http_.send(init, display(key) + ": start multipart upload");
  if (answer.status != 200) fail_answer("start multipart upload", key, init, answer);
  const std::string upload_id = XmlReply(answer.body).root().text("UploadId");
  if (upload_id.empty()) fail(display(key) + ": start multipart upload: answer has no UploadId");
  const std::string id_query = canonical_query({{"uploadId", upload_id}});

  const uint64_t part_size = file.part_size;
  const unsigned parts = unsigned(file.part_sha256.size());
  std::vector<std::string> etags(parts);
  try {
    TaskGroup tasks(options_.part_jobs);
    for (unsigned i = 0; i < parts; ++i) {
      uint64_t offset = uint64_t(i) * part_size, length = std::min(part_size, file.size - offset);
      bool started = tasks.spawn([&, i, offset, length] {
        etags[i] = upload_part(key, upload_id, file, i + 1, offset, length);
        progress(length);
      });
      if (!started) break;
    }
    tasks.wait();

    std::string body = "<CompleteMultipartUpload>";
    for (unsigned i = 0; i < parts; ++i)
      body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + xml_escape(etags[i]) +
              "</ETag></Part>";
    body += "</CompleteMultipartUpload>";
    HttpRequest done = request("POST", key, id_query, sha256_hex(body));
    done.headers.push_back("Content-Type: application/xml");
    done.text = body;
    answer = http_.send(done, display(key) + ": complete multipart upload");
    // S3 may answer 200 and still report an error in the body (an <Error> document).
    if (answer.status != 200 || !XmlReply(answer.body).error_code().empty())
      fail_answer("complete multipart upload", key, done, answer);
  } catch (...) {
    HttpRequest abort = request("DELETE", key, id_query, kEmptySha256);
    try {
      http_.send(abort, display(key) + ": abort multipart upload");
    } catch (const std::exception& e) {
      log_warning(std::string(e.what()) + " (the incomplete upload stays until the bucket's lifecycle rules remove it)");
    }
    throw;
  }
}

}  // namespace mm::storage
