// A store from its specification: the backend and where it is, never a secret (those come
// separately). mm-upload announces its specification in the manifest ("store" record), so that
// mm-bulkinsert can open the same store for its probe.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include <rapidjson/document.h>

#include "manifest.hpp"
#include "storage/azure_store.hpp"
#include "storage/credentials.hpp"
#include "storage/http.hpp"
#include "storage/object_store.hpp"

namespace mm::storage {

struct StoreSpec {
  std::string backend;                    // local, s3, gcs, azure
  std::string dir;                        // local: the directory Milvus reads
  std::string endpoint, region, bucket;   // s3, gcs: host[:port] ("" for AWS); azure: URL, container
  std::string account;                    // azure
  bool use_ssl = false, path_style = true;  // s3, gcs
  std::string ca_file;
};

struct StoreSecrets {
  Credentials s3;              // s3, gcs (HMAC)
  AzureCredentials azure;
};

// Upload tuning; irrelevant for a few small objects.
struct StoreTuning {
  uint64_t part_size = 64ull << 20;
  unsigned part_jobs = 4;
  bool unsigned_payload = false;
  HttpOptions http;
};

std::unique_ptr<ObjectStore> open_store(const StoreSpec& spec, const StoreSecrets& secrets, StoreTuning tuning = {});
// The same for s3, gcs and azure, with their reading side (listings, downloads).
std::unique_ptr<RemoteStore> open_remote_store(const StoreSpec& spec, const StoreSecrets& secrets, StoreTuning tuning = {});

void write_store_spec(JsonWriter& w, const StoreSpec& spec);
// Fails (kExitBadData) naming `where` when `v` is not a specification.
StoreSpec read_store_spec(const rapidjson::Value& v, const std::string& where);

}  // namespace mm::storage
