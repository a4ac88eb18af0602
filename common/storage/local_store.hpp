// Local storage: Milvus 2.x standalone with common.storageType=local opens import files by
// absolute path, so the "upload" places each file under a directory the server can read:
// a hard link when on the same file system, else a reflink (FICLONE), else a kernel copy.
#pragma once
#include <string>

#include "storage/object_store.hpp"

namespace mm::storage {

enum class PlaceMethod { link, reflink, copy };
const char* place_method_name(PlaceMethod method);

class LocalStore final : public ObjectStore {
 public:
  explicit LocalStore(const std::string& dir);  // made absolute
  std::string location(const std::string& key) const override;
  bool place(const std::string& key, const std::string& path, const ProgressFn& progress) override;
  void check_bucket(const std::string& probe_key) override;
  void create_bucket() override;
  void remove(const std::string& key) override;
  void describe(JsonWriter& w) const override;

 private:
  std::string dir_;
};

}  // namespace mm::storage
