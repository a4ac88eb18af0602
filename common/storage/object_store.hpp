// One interface for every place Milvus 2.x can read import files from: a local directory, S3 and
// S3-compatible stores (MinIO, GCS's XML API), Azure Blob storage.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "manifest.hpp"

namespace mm::storage {

using ProgressFn = std::function<void(uint64_t bytes)>;

// A local file opened for upload; its SHA-256 is taken once, before anything is sent.
struct SourceFile {
  std::string path;
  int fd = -1;
  uint64_t size = 0;
  std::string sha256;
};

struct ObjectInfo {
  uint64_t size = 0;
  std::string sha256;  // our metadata (mm-sha256); empty when the object has none
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // What Milvus is given for `key`: the key itself, or an absolute path for local storage.
  virtual std::string location(const std::string& key) const = 0;
  // Makes `key` hold exactly the bytes of the file at `path`. Returns false when it already did,
  // so nothing was written. `progress` gets the bytes handled (skipped ones too).
  virtual bool place(const std::string& key, const std::string& path, const ProgressFn& progress) = 0;
  // Fails with one line naming the bucket and endpoint when it is missing or not writable;
  // writes and deletes the small object `probe_key` to prove the latter.
  virtual void check_bucket(const std::string& probe_key) = 0;
  virtual void create_bucket() = 0;
  // The record's "storage" object: backend, bucket, endpoint; never a credential.
  virtual void describe(JsonWriter& w) const = 0;
};

// The skip-or-upload rule shared by the remote stores: an object with the same size and the same
// SHA-256 metadata is kept; anything else is uploaded, then checked with a HEAD.
class RemoteStore : public ObjectStore {
 public:
  std::string location(const std::string& key) const override { return key; }
  bool place(const std::string& key, const std::string& path, const ProgressFn& progress) final;

 protected:
  virtual std::optional<ObjectInfo> head(const std::string& key) = 0;
  virtual void put_file(const std::string& key, const SourceFile& file, const ProgressFn& progress) = 0;
  // "s3://bucket/key at http://host:port", for messages.
  virtual std::string display(const std::string& key) const = 0;
};

}  // namespace mm::storage
