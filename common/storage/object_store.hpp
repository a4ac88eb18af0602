// One interface for every place Milvus 2.x can read import files from: a local directory, S3 and
// S3-compatible stores (MinIO, GCS's XML API), Azure Blob storage.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "manifest.hpp"
#include "storage/http.hpp"

namespace mm::storage {

using ProgressFn = std::function<void(uint64_t bytes)>;

// A local file opened for upload; its digest is taken once, before anything is sent.
struct SourceFile {
  std::string path;
  int fd = -1;
  uint64_t size = 0;
  std::string sha256;  // the object's mm-sha256 metadata: see RemoteStore::digest
  // Set when the file goes in parts: their size (the last may be shorter) and each part's SHA-256.
  uint64_t part_size = 0;
  std::vector<std::string> part_sha256;
};

// The mm-sha256 of a file that goes in parts, on every remote store: the SHA-256 of the parts'
// lower-case hex SHA-256s concatenated, then "-" and the part size.
std::string parts_digest(const std::vector<std::string>& part_sha256, uint64_t part_size);

struct ObjectInfo {
  uint64_t size = 0;
  std::string sha256;  // our metadata (mm-sha256); empty when the object has none
};

// One entry of a listing.
struct ListedObject {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // as the store reports it; a download asks for exactly this version
};

// An entry from the texts of a listing; fails naming `where` when the key is empty or the size is
// not a number.
ListedObject listed_object(std::string key, const std::string& size, std::string etag, const std::string& where);

// Objects larger than `size` are downloaded as ranges of that size, `jobs` at once.
struct DownloadParts {
  uint64_t size = 64ull << 20;
  unsigned jobs = 4;
};

struct ListPage {
  std::vector<ListedObject> objects;
  std::string next;  // continuation token or marker; empty on the last page
};

// An upload fed one part at a time, in any order, while the file is still being written (mm-npy
// --announce-chunks); the object appears only at commit(). Destroyed uncommitted, it is abandoned
// and the store drops its parts.
class PartUpload {
 public:
  virtual ~PartUpload() = default;
  // Parts are [i * part_size(), (i + 1) * part_size()), the last one shorter.
  virtual uint64_t part_size() const = 0;
  virtual unsigned parts() const = 0;
  // Sends part `index` (from 0), read from `fd`; parts may be sent from several threads at once.
  virtual void put(unsigned index, int fd, const std::string& path) = 0;
  // Once every part is sent: makes the object appear with its checksum, and checks both.
  virtual void commit() = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // What Milvus is given for `key`: the key itself, or an absolute path for local storage.
  virtual std::string location(const std::string& key) const = 0;
  // Makes `key` hold exactly the bytes of the file at `path`. Returns false when it already did,
  // so nothing was written. `progress` gets the bytes handled (skipped ones too).
  virtual bool place(const std::string& key, const std::string& path, const ProgressFn& progress) = 0;
  // An upload of a file of `size` bytes in parts, started now; nullptr when the store takes the
  // file only whole (one part would do, or it cannot yet keep the checksum of a file sent so).
  virtual std::unique_ptr<PartUpload> start_parts(const std::string&, uint64_t) { return nullptr; }
  // Fails with one line naming the bucket and endpoint when it is missing or not writable;
  // writes and deletes the small object `probe_key` to prove the latter.
  virtual void check_bucket(const std::string& probe_key) = 0;
  virtual void create_bucket() = 0;
  // Deletes `key`; one that is already gone is no error.
  virtual void remove(const std::string& key) = 0;
  // The record's "storage" object: backend, bucket, endpoint; never a credential.
  virtual void describe(JsonWriter& w) const = 0;
};

// What S3 and Azure share. Writing: an object with the same size and the same SHA-256 metadata is
// kept; anything else is uploaded, then checked with a HEAD. Reading: listings and downloads.
class RemoteStore : public ObjectStore {
 public:
  std::string location(const std::string& key) const override { return key; }
  bool place(const std::string& key, const std::string& path, const ProgressFn& progress) final;

  // Reading, for mm-fetch (remote_fetch.cpp, s3_read.cpp, azure_read.cpp).
  // Every object whose key starts with `prefix`, over all pages.
  std::vector<ListedObject> list(const std::string& prefix);
  // The listed object `key` exactly; fails naming it when it does not exist.
  ListedObject find(const std::string& key);
  // Fails with one line naming the bucket and endpoint when it is missing or cannot be listed,
  // or when nothing is stored under `prefix`.
  void check_readable(const std::string& prefix);
  // Brings `object` to `path`: written to `path`.part, fsync'd and renamed, so a file with its
  // final name is always complete. With `skip_present`, a file already there with the object's
  // size is kept. Objects larger than a part are fetched as ranges in parallel. Returns false
  // when nothing was downloaded.
  bool download(const ListedObject& object, const std::string& path, bool skip_present, const DownloadParts& parts,
                const ProgressFn& progress);
  // "s3://bucket/key at http://host:port", for messages.
  virtual std::string display(const std::string& key) const = 0;

 protected:
  // One page of at most `max_keys` entries under `prefix`, from `marker` ("" for the first).
  virtual ListPage list_page(const std::string& prefix, const std::string& marker, unsigned max_keys) = 0;
  // The sink's bytes of the object, resuming from sink.received; the object must still have
  // `object.etag`. Fails naming the object when the store refuses.
  virtual void get(const ListedObject& object, FileSink& sink) = 0;
  virtual std::optional<ObjectInfo> head(const std::string& key) = 0;
  // Fills file.sha256: the SHA-256 of the whole file, unless a backend overrides it.
  virtual void digest(SourceFile& file);
  // Fills file.part_size, file.part_sha256 (hashed `jobs` at once) and file.sha256 (parts_digest),
  // for a file that goes in parts of `part_size`.
  static void digest_parts(SourceFile& file, uint64_t part_size, unsigned jobs);
  virtual void put_file(const std::string& key, const SourceFile& file, const ProgressFn& progress) = 0;
  // Verify, don't trust: fails unless the store now reports `size` bytes and checksum `sha256` for `key`.
  void check_written(const std::string& key, uint64_t size, const std::string& sha256);

 private:
  // The object into `fd` as ranges of parts.size, parts.jobs at once.
  void get_parts(const ListedObject& object, int fd, const std::string& path, const DownloadParts& parts,
                 const ProgressFn& progress);
};

}  // namespace mm::storage
