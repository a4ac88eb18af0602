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
  void add_sample_source(const std::string& collection, const std::string& id_file, const std::string& vector_file, uint64_t rows,
                         uint64_t row_bytes);
  // `unindexable`: rows per collection that the index's total counts but never covers (segments
  // left by failed imports on 2.2/2.3).
  void run(const std::map<std::string, CollectionInfo>& collections, const std::map<std::string, int64_t>& unindexable);

 private:
  struct SampleSource {
    std::string collection, id_file, vector_file;
    uint64_t rows = 0, row_bytes = 0;
  };
  void index_and_load(const std::map<std::string, CollectionInfo>& collections, const std::map<std::string, int64_t>& unindexable);
  void verify_sample(const std::string& collection);
  bool source_has_row(const std::string& collection, int64_t id, const std::string& vector) const;

  Client& client_;
  PostImportOptions options_;
  std::vector<SampleSource> samples_;
};

}  // namespace mm::milvus2x
