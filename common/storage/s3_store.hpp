// S3 and S3-compatible stores (AWS, MinIO, GCS's XML API with HMAC keys), signed with SigV4.
// Files up to the part size go in one PUT; larger ones as a multipart upload with parts sent in
// parallel. Bodies are signed with their real SHA-256 (unless unsigned_payload), so the server
// rejects corrupted bytes; each byte is hashed once. Reading: ListObjectsV2 pages and ranged GETs into a file.
#pragma once
#include <string>
#include <vector>

#include "storage/credentials.hpp"
#include "storage/http.hpp"
#include "storage/object_store.hpp"
#include "storage/s3_url.hpp"

namespace mm::storage {

struct S3Options {
  std::string backend = "s3";  // "s3" or "gcs": named in records and messages
  std::string endpoint;        // host[:port]; empty: AWS for the region
  std::string region = "us-east-1";
  std::string bucket;
  bool use_ssl = false;
  bool path_style = true;
  uint64_t part_size = 64ull << 20;
  unsigned part_jobs = 4;
  // Send bodies as UNSIGNED-PAYLOAD: saves the server hashing every body, at the price of it no
  // longer checking the bytes; meant for HTTPS, where TLS does.
  bool unsigned_payload = false;
  HttpOptions http;
};

class S3Store final : public RemoteStore {
 public:
  S3Store(S3Options options, const Credentials& credentials);
  void check_bucket(const std::string& probe_key) override;
  void create_bucket() override;
  void remove(const std::string& key) override;
  void describe(JsonWriter& w) const override;
  std::string display(const std::string& key) const override;

 protected:
  std::optional<ObjectInfo> head(const std::string& key) override;
  // A file larger than a part: each part's SHA-256, computed once and in parallel, signs that
  // part's PUT, and mm-sha256 is "<SHA-256 of the parts' hex digests concatenated>-<part size>".
  void digest(SourceFile& file) override;
  void put_file(const std::string& key, const SourceFile& file, const ProgressFn& progress) override;
  std::unique_ptr<PartUpload> start_parts(const std::string& key, uint64_t size) override;
  // ListObjectsV2 and GET (s3_read.cpp).
  ListPage list_page(const std::string& prefix, const std::string& marker, unsigned max_keys) override;
  void get(const ListedObject& object, FileSink& sink) override;

 private:
  // A signed request to `key` ("" = the bucket) with `query` in canonical form.
  HttpRequest request(const std::string& method, const std::string& key, const std::string& query,
                      const std::string& payload_sha256) const;
  // "403 InvalidAccessKeyId: <message>"; for a HEAD, which has no body, asks again with a GET.
  std::string explain(const HttpRequest& sent, const HttpResponse& answer);
  [[noreturn]] void fail_answer(const std::string& op, const std::string& key, const HttpRequest& sent,
                                const HttpResponse& answer);
  friend class S3PartUpload;
  // The object holding the mm-sha256 of an object uploaded before its file was complete (its
  // metadata could not hold it: S3 takes metadata when an upload starts).
  static std::string checksum_key(const std::string& key);
  // A small object whose body is `text`.
  void put_text(const std::string& key, const std::string& text);
  // The body of a small object; nullopt when there is none.
  std::optional<std::string> get_text(const std::string& key);
  void put_single(const std::string& key, const SourceFile& file, const ProgressFn& progress);
  void put_multipart(const std::string& key, const SourceFile& file, const ProgressFn& progress);
  // Multipart steps; `sha256` (start: the metadata, may be empty; part: the part's) as the server checks it.
  std::string start_multipart(const std::string& key, const std::string& sha256);
  std::string upload_part(const std::string& key, const std::string& upload_id, int fd, unsigned number,
                          uint64_t offset, uint64_t length, const std::string& sha256);
  void complete_multipart(const std::string& key, const std::string& upload_id, const std::vector<std::string>& etags);
  void abort_multipart(const std::string& key, const std::string& upload_id) noexcept;
  std::string bucket_display() const;
  std::string endpoint_url() const;

  S3Options options_;
  S3Address address_;
  SigV4 sigv4_;
  std::string session_token_;
  HttpClient http_;
};

}  // namespace mm::storage
