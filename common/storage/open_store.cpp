#include "storage/open_store.hpp"

#include "errors.hpp"
#include "storage/local_store.hpp"
#include "storage/s3_store.hpp"

namespace mm::storage {

std::unique_ptr<ObjectStore> open_store(const StoreSpec& spec, const StoreSecrets& secrets, StoreTuning tuning) {
  if (spec.backend == "local") return std::make_unique<LocalStore>(spec.dir);
  return open_remote_store(spec, secrets, std::move(tuning));
}

std::unique_ptr<RemoteStore> open_remote_store(const StoreSpec& spec, const StoreSecrets& secrets, StoreTuning tuning) {
  if (!spec.ca_file.empty()) tuning.http.ca_file = spec.ca_file;
  if (spec.backend == "azure") {
    AzureOptions o;
    o.account = spec.account;
    o.container = spec.bucket;
    o.endpoint = spec.endpoint;
    o.part_size = tuning.part_size;
    o.part_jobs = tuning.part_jobs;
    o.http = tuning.http;
    return std::make_unique<AzureStore>(o, secrets.azure);
  }
  if (spec.backend != "s3" && spec.backend != "gcs") bad_usage("unknown storage backend \"" + spec.backend + "\": s3, gcs or azure");
  S3Options o;
  o.backend = spec.backend;
  o.endpoint = spec.endpoint;
  o.region = spec.region;
  o.bucket = spec.bucket;
  o.use_ssl = spec.use_ssl;
  o.path_style = spec.path_style;
  o.part_size = tuning.part_size;
  o.part_jobs = tuning.part_jobs;
  o.unsigned_payload = tuning.unsigned_payload;
  o.http = tuning.http;
  return std::make_unique<S3Store>(o, secrets.s3);
}

void write_store_spec(JsonWriter& w, const StoreSpec& spec) {
  auto text = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), rapidjson::SizeType(value.size()));
  };
  w.StartObject();
  text("backend", spec.backend);
  if (spec.backend == "local") {
    text("dir", spec.dir);
  } else {
    text("bucket", spec.bucket);
    text("endpoint", spec.endpoint);
    if (spec.backend == "azure") {
      text("account", spec.account);
    } else {
      text("region", spec.region);
      w.Key("use_ssl");
      w.Bool(spec.use_ssl);
      w.Key("path_style");
      w.Bool(spec.path_style);
    }
    if (!spec.ca_file.empty()) text("ca_file", spec.ca_file);
  }
  w.EndObject();
}

StoreSpec read_store_spec(const rapidjson::Value& v, const std::string& where) {
  if (!v.IsObject()) bad_data(where + ": the store is not an object");
  StoreSpec spec;
  spec.backend = get_string(v, "backend");
  if (spec.backend == "local") {
    spec.dir = get_string(v, "dir");
    return spec;
  }
  spec.bucket = get_string(v, "bucket");
  spec.endpoint = get_string_or(v, "endpoint", "");
  spec.account = get_string_or(v, "account", "");
  spec.region = get_string_or(v, "region", "us-east-1");
  spec.ca_file = get_string_or(v, "ca_file", "");
  auto flag = [&](const char* key, bool fallback) {
    auto it = v.FindMember(key);
    if (it == v.MemberEnd()) return fallback;
    if (!it->value.IsBool()) bad_data(where + ": \"" + key + "\" is not true or false");
    return it->value.GetBool();
  };
  spec.use_ssl = flag("use_ssl", false);
  spec.path_style = flag("path_style", true);
  return spec;
}

}  // namespace mm::storage
