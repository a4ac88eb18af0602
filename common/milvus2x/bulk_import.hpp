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

#include "log.hpp"
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
  // progress counts each group once its import completes (rows, and the bytes of its files).
  BulkImporter(Client& client, ImportJournal& journal, ManifestWriter& out, ImportOptions options, Progress& progress);
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
    uint64_t rows = 0, bytes = 0;
    std::vector<RowRange> pieces;
    std::vector<std::string> files;
    int64_t task = 0;
    bool earlier_run = false;  // the task was submitted by an earlier run
    int percent = -1;
    std::chrono::steady_clock::time_point last_change, last_note;  // last_note: the last "waiting for" line
    std::string record;  // the group record, emitted once the import completes
  };
  // What the statistics of one partition hold besides the visible rows.
  struct Leftover {
    int64_t rows = 0;
    std::vector<int64_t> tasks;
  };
  struct SampleSource {
    std::string collection, id_file, vector_file;
    uint64_t rows = 0, row_bytes = 0;
  };

  void on_collection(const rapidjson::Value& r);
  void on_partition(const rapidjson::Value& r);
  void on_group(rapidjson::Document& r);
  void ensure_baseline(const std::string& collection, const std::string& partition);
  void submit(Running job);
  std::optional<int64_t> find_submitted(const Running& job);
  Leftover leftover(const std::string& collection, const std::string& partition);
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
  Progress& progress_;
  std::map<std::string, CollectionInfo> collections_;
  std::vector<std::pair<std::string, std::string>> touched_;
  std::vector<Running> running_;
  std::vector<std::string> failures_;
  std::vector<SampleSource> samples_;
  // This run: groups (rows) whose import completed, of those the ones an earlier run had submitted,
  // groups submitted again after their earlier task failed, groups completed by earlier runs.
  uint64_t imported_groups_ = 0, imported_rows_ = 0, resumed_groups_ = 0, resumed_rows_ = 0, resubmitted_groups_ = 0;
  uint64_t earlier_groups_ = 0, earlier_rows_ = 0;
  std::map<std::pair<std::string, std::string>, uint64_t> this_run_rows_;
};

}  // namespace mm::milvus2x
