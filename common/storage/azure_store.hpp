// Azure Blob storage (container = bucket), with Shared Key or SAS authorization. Files up to the
// part size go in one Put Blob; larger ones as Put Block (in parallel) and Put Block List, which
// also sets the metadata: a file still being written streams its blocks, and the blob appears
// with its mm-sha256 (the parts rule) at the block list.
// Reading: List Blobs pages and ranged Get Blob into a file.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "storage/http.hpp"
#include "storage/object_store.hpp"

namespace mm::storage {

struct AzureOptions {
  std::string account;
  std::string container;
  std::string endpoint;  // URL; empty: https://<account>.blob.core.windows.net
  uint64_t part_size = 64ull << 20;
  unsigned part_jobs = 4;
  HttpOptions http;
};

struct AzureCredentials {
  std::string key;        // base64 account key, for Shared Key; or ...
  std::string sas_token;  // ... a SAS token (the query string, with or without '?')
};

class AzureStore final : public RemoteStore {
 public:
  AzureStore(AzureOptions options, const AzureCredentials& credentials);
  void check_bucket(const std::string& probe_key) override;
  void create_bucket() override;
  void remove(const std::string& key) override;
  void describe(JsonWriter& w) const override;
  std::string display(const std::string& key) const override;

 protected:
  std::optional<ObjectInfo> head(const std::string& key) override;
  // A file larger than a block: mm-sha256 from its blocks' SHA-256s (parts_digest).
  void digest(SourceFile& file) override;
  void put_file(const std::string& key, const SourceFile& file, const ProgressFn& progress) override;
  std::unique_ptr<PartUpload> start_parts(const std::string& key, uint64_t size) override;
  // List Blobs and Get Blob (azure_read.cpp).
  ListPage list_page(const std::string& prefix, const std::string& marker, unsigned max_keys) override;
  void get(const ListedObject& object, FileSink& sink) override;

 private:
  using Params = std::vector<std::pair<std::string, std::string>>;
  // A request to blob `key` ("" = the container) with `query`, authorized per attempt.
  HttpRequest request(const std::string& method, const std::string& key, const Params& query,
                      std::vector<std::string> headers, uint64_t content_length) const;
  std::string explain(const HttpResponse& answer) const;
  friend class AzurePartUpload;
  void put_block(const std::string& key, int fd, unsigned index, uint64_t offset, uint64_t length);
  // Commits blocks 0 .. blocks - 1 as the blob, with `sha256` as its mm_sha256.
  void put_block_list(const std::string& key, unsigned blocks, const std::string& sha256);
  std::string container_display() const;

  AzureOptions options_;
  std::string base_path_;  // path part of the endpoint ("" or "/<account>" for Azurite)
  std::string origin_;     // scheme://host[:port]
  std::string key_bytes_;
  std::string sas_;
  HttpClient http_;
};

}  // namespace mm::storage
