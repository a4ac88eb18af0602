// Set-up before any import: each collection created (or its schema checked, and refused early
// when the server cannot import NumPy files into it), each partition created, and the row count
// every touched partition had before the migration noted once in the journal.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "milvus2x/client.hpp"
#include "milvus2x/import_journal.hpp"
#include "milvus2x/server_rules.hpp"

namespace mm::milvus2x {

struct CollectionInfo {
  int dim = 0;
  bool binary = false;
  int metric = 1, engine_type = 1;
  std::string index_params = "{}";
};

class CollectionSetup {
 public:
  CollectionSetup(Client& client, ImportJournal& journal, const ServerRules& rules, std::string id_field, std::string vector_field);
  void on_collection(const rapidjson::Value& record);
  void on_partition(const rapidjson::Value& record);
  // Before a group goes into the partition: the partition exists and its baseline is noted.
  void prepare_partition(const std::string& collection, const std::string& partition);

  const std::map<std::string, CollectionInfo>& collections() const { return collections_; }
  bool knows(const std::string& collection) const { return collections_.count(collection) > 0; }
  // Every partition seen, in order.
  const std::vector<std::pair<std::string, std::string>>& touched() const { return touched_; }

 private:
  void ensure_baseline(const std::string& collection, const std::string& partition);

  Client& client_;
  ImportJournal& journal_;
  const ServerRules& rules_;
  std::string id_field_, vector_field_;
  std::map<std::string, CollectionInfo> collections_;
  std::vector<std::pair<std::string, std::string>> touched_;
};

}  // namespace mm::milvus2x
