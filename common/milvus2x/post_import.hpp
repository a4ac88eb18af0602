// After the counts are proven: the nearest 2.x index to each collection's 1.x index, loading,
// and a random sample of rows read from the NumPy groups and back from Milvus, bit-exact.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "milvus2x/client.hpp"
#include "milvus2x/collection_setup.hpp"

namespace mm::milvus2x {

struct PostImportOptions {
  std::string id_field = "id", vector_field = "data";
  bool create_index = false, load = false;
  unsigned verify_sample = 0;
};

class PostImport {
 public:
  PostImport(Client& client, PostImportOptions options);
  // A group whose files are readable here (local paths), for --verify-sample.
  void add_sample_source(const std::string& collection, const std::string& id_file, const std::string& vector_file);
  // `unindexable`: rows per collection that the index's total counts but never covers (segments
  // left by failed imports on 2.2/2.3).
  void run(const std::map<std::string, CollectionInfo>& collections, const std::map<std::string, int64_t>& unindexable);

 private:
  void index_and_load(const std::map<std::string, CollectionInfo>& collections, const std::map<std::string, int64_t>& unindexable);
  void verify_sample(const std::string& collection);

  Client& client_;
  PostImportOptions options_;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> groups_;  // collection -> (id.npy, data.npy)
};

}  // namespace mm::milvus2x
