// Drives the import of a stream of manifest records into Milvus 2.x: collections and partitions
// are created (or checked), each group is imported once (the journal remembers), several at a
// time, and at the end every touched partition's row count is checked against baseline + imported.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "manifest.hpp"
#include "milvus2x/client.hpp"
#include "milvus2x/import_journal.hpp"

namespace mm::milvus2x {

struct ImportOptions {
  std::string id_field = "id", vector_field = "data";
  unsigned in_flight = 2;
  double poll_seconds = 2;
  int stall_timeout_seconds = 3600;  // an import without progress for this long fails
  bool create_index = false, load = false;
  unsigned verify_sample = 0;
};

class BulkImporter {
 public:
  BulkImporter(Client& client, ImportJournal& journal, ManifestWriter& out, ImportOptions options);
  void consume(rapidjson::Document& record, const std::string& line);
  // Waits for every import, verifies the counts, then indexes, loads and samples as asked.
  void finish();

 private:
  struct CollectionInfo {
    int dim = 0;
    bool binary = false;
    int metric = 1, engine_type = 1;
    std::string index_params = "{}";
  };
  struct Running {
    std::string key, collection, partition;
    uint64_t rows = 0;
    std::vector<RowRange> pieces;
    int64_t task = 0;
    int percent = -1;
    std::chrono::steady_clock::time_point last_change;
    std::string record;  // the group record, emitted once the import completes
  };
  struct SampleSource {
    std::string collection, id_file, vector_file;
    uint64_t rows = 0, row_bytes = 0;
  };

  void on_collection(const rapidjson::Value& r);
  void on_partition(const rapidjson::Value& r);
  void on_group(rapidjson::Document& r);
  void ensure_baseline(const std::string& collection, const std::string& partition);
  void submit(Running job, const std::vector<std::string>& files);
  std::optional<int64_t> find_submitted(const std::string& collection, const std::vector<std::string>& files);
  void wait_for_slot(size_t limit);
  bool poll_once();
  void verify_counts();
  void index_and_load();
  void verify_sample();
  bool source_has_row(const std::string& collection, int64_t id, const std::string& vector) const;

  Client& client_;
  ImportJournal& journal_;
  ManifestWriter& out_;
  ImportOptions options_;
  std::map<std::string, CollectionInfo> collections_;
  std::vector<std::pair<std::string, std::string>> touched_;
  std::vector<Running> running_;
  std::vector<std::string> failures_;
  std::vector<SampleSource> samples_;
  uint64_t imported_rows_ = 0, skipped_groups_ = 0, imported_groups_ = 0;
};

}  // namespace mm::milvus2x
