// Re-checks a finished migration against the 1.x files (mm-verify): every collection is in 2.x
// with a compatible schema, every partition holds exactly the rows it had before the migration
// plus the live rows of the 1.x files, and random live rows read from the 1.x .uid/.rv files come
// back from 2.x bit-exact.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "milvus1x/catalog.hpp"
#include "milvus2x/client.hpp"
#include "milvus2x/import_journal.hpp"

namespace mm::milvus2x {

struct SourceCheckOptions {
  std::string id_field = "id", vector_field = "data";
  unsigned sample = 0;  // live rows per collection read back (the collection gets loaded)
};

struct PartitionCheck {
  std::string collection, partition, tag;
  uint64_t live = 0;   // in the 1.x files
  int64_t before = 0;  // in 2.x before the migration (the journal's baseline; 0 without a journal)
  int64_t rows = -1;   // in 2.x now; -1: the partition is missing
  bool ok() const { return rows >= 0 && uint64_t(rows) == uint64_t(before) + live; }
};

class SourceChecker {
 public:
  SourceChecker(Client& client, const ImportJournal* journal, SourceCheckOptions options);
  // Collection, partition and scanned segment records (mm-scan's output); others are ignored.
  void consume(const rapidjson::Value& record);
  // Schemas and counts; a missing collection or an incompatible schema is added to problems().
  std::vector<PartitionCheck> check_counts();
  // Reads options.sample random live rows per collection back; differences go to problems().
  uint64_t check_sample();
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  struct Collection {
    int64_t dim = 0;
    bool binary = false;
    bool present = false;  // in 2.x with a compatible schema
  };
  void sample_collection(const std::string& name, uint64_t& sampled);

  Client& client_;
  const ImportJournal* journal_;
  SourceCheckOptions options_;
  std::map<std::string, Collection> collections_;
  std::vector<PartitionCheck> partitions_;
  std::vector<milvus1x::Segment> segments_;
  std::vector<std::string> problems_;
};

}  // namespace mm::milvus2x
