// Drives the import of a stream of manifest records into Milvus 2.x: set-up of collections and
// partitions (CollectionSetup), each group imported exactly once (ImportScheduler), every touched
// partition's row count proven (count_check), then index, load and sample (PostImport).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <rapidjson/document.h>

#include "log.hpp"
#include "manifest.hpp"
#include "milvus2x/client.hpp"
#include "milvus2x/collection_setup.hpp"
#include "milvus2x/count_check.hpp"
#include "milvus2x/grpc_import_server.hpp"
#include "milvus2x/import_journal.hpp"
#include "milvus2x/import_scheduler.hpp"
#include "milvus2x/post_import.hpp"
#include "records/group.hpp"
#include "storage/open_store.hpp"

namespace mm::milvus2x {

struct ImportOptions {
  std::string id_field = "id", vector_field = "data";
  unsigned in_flight = 2;
  double poll_seconds = 2;
  int stall_timeout_seconds = 3600;  // an import without progress for this long fails
  bool create_index = false, load = false;
  unsigned verify_sample = 0;
  // Before the first import: a probe group where mm-upload's "store" record says it writes
  // (opened with this function, which brings the credentials); empty: no probe.
  std::function<std::unique_ptr<storage::ObjectStore>(const storage::StoreSpec&)> open_probe_store;
};

// The most a server imports as one group: 16 GiB, headers included (2.4+ readFileStat; 2.2/2.3
// the same limit per request).
constexpr uint64_t kMaxImportGroupBytes = 16ull << 30;

class BulkImporter {
 public:
  // progress counts each group once its import completes (rows, and the bytes of its files).
  BulkImporter(Client& client, const ServerRules& rules, const ConnectOptions& connect, ImportJournal& journal, ManifestWriter& out,
               ImportOptions options, Progress& progress);
  void consume(rapidjson::Document& record, const std::string& line);
  // Waits for every import, verifies the counts, then indexes, loads and samples as asked.
  void finish();

 private:
  void on_store(const rapidjson::Value& r);
  void on_group(const rapidjson::Value& record);
  void probe_once();
  void write_group(records::Group group, int64_t job, bool earlier_run, bool resumed);
  void write_summary(const std::vector<PartitionCount>& counts);

  Client& client_;
  const ServerRules& rules_;
  ImportJournal& journal_;
  ManifestWriter& out_;
  ImportOptions options_;
  Progress& progress_;
  CollectionSetup setup_;
  GrpcImportServer server_;
  ImportScheduler scheduler_;
  PostImport post_;
  std::map<std::string, records::Group> records_;  // group key -> its record, until the import completes
  std::set<std::string> seen_;                  // group keys of this run
  uint64_t earlier_groups_ = 0, earlier_rows_ = 0;  // completed by earlier runs
  std::optional<std::pair<storage::StoreSpec, std::string>> store_;  // where mm-upload writes, and its prefix
  bool probed_ = false;
};

}  // namespace mm::milvus2x
