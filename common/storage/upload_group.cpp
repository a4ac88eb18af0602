#include "storage/upload_group.hpp"

#include "errors.hpp"
#include "manifest.hpp"
#include "storage/keys.hpp"

namespace mm::storage {

GroupUpload upload_group(records::Group group, ObjectStore& store, StreamedUploads& streamed, const std::string& prefix,
                         const ProgressFn& progress) {
  if (group.files.empty()) bad_data("group " + group.name + ": field \"files\" missing or empty");
  GroupUpload result;
  // A rerun over an already uploaded manifest replaces the earlier answers.
  auto& upload = group.upload.emplace();
  for (const auto& [field, path] : group.files) {
    const std::string key = object_key(prefix, group.collection, group.partition, group.name, field);
    uint64_t bytes = 0;
    auto counted = [&](uint64_t n) {
      bytes += n;
      progress(n);
    };
    bool written = true;
    if (auto size = streamed.complete(key, progress))
      bytes = *size;  // most of it sent before the group record came
    else
      written = store.place(key, path, counted);
    result.bytes += bytes;
    result.objects += 1;
    result.written += written ? 1 : 0;
    upload.objects.emplace_back(field, store.location(key));
  }
  rapidjson::StringBuffer storage_json;
  JsonWriter w(storage_json);
  store.describe(w);
  upload.storage.assign(storage_json.GetString(), storage_json.GetSize());
  upload.uploaded = result.written > 0;
  result.record = records::to_json(group);
  return result;
}

}  // namespace mm::storage
