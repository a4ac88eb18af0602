#include "storage/upload_group.hpp"

#include "errors.hpp"
#include "manifest.hpp"
#include "storage/keys.hpp"

namespace mm::storage {

GroupUpload upload_group(const rapidjson::Value& group, ObjectStore& store, const std::string& prefix,
                         const ProgressFn& progress) {
  const std::string collection = get_string(group, "collection"), partition = get_string(group, "partition"),
                    name = get_string(group, "name");
  auto files = group.FindMember("files");
  if (files == group.MemberEnd() || !files->value.IsObject() || files->value.MemberCount() == 0)
    bad_data("group " + name + ": field \"files\" missing or empty");

  GroupUpload result;
  rapidjson::Document out;
  out.CopyFrom(group, out.GetAllocator());
  auto& alloc = out.GetAllocator();
  rapidjson::Value objects(rapidjson::kObjectType);
  for (const auto& file : files->value.GetObject()) {
    const std::string field(file.name.GetString(), file.name.GetStringLength());
    if (!file.value.IsString()) bad_data("group " + name + ": files." + field + " is not a path");
    const std::string path(file.value.GetString(), file.value.GetStringLength());
    const std::string key = object_key(prefix, collection, partition, name, field);
    uint64_t bytes = 0;
    bool written = store.place(key, path, [&](uint64_t n) {
      bytes += n;
      progress(n);
    });
    result.bytes += bytes;
    result.objects += 1;
    result.written += written ? 1 : 0;
    const std::string where = store.location(key);
    objects.AddMember(rapidjson::Value(field.c_str(), alloc), rapidjson::Value(where.c_str(), alloc), alloc);
  }

  rapidjson::StringBuffer storage_json;
  JsonWriter w(storage_json);
  store.describe(w);
  rapidjson::Document storage;
  storage.Parse(storage_json.GetString());
  // A rerun over an already uploaded manifest replaces the earlier answers.
  for (const char* member : {"objects", "storage", "uploaded"}) out.RemoveMember(member);
  out.AddMember("objects", objects, alloc);
  out.AddMember("storage", rapidjson::Value(storage, alloc), alloc);
  out.AddMember("uploaded", result.written > 0, alloc);
  result.record = to_json(out);
  return result;
}

}  // namespace mm::storage
