// The proof at the end of an import: every touched partition holds exactly the rows it had
// before the migration plus those of every group the journal has completed. On 2.2/2.3 the
// row-count statistics also count segments that failed tasks left behind until the server's
// cleanup pass; those are subtracted, so the check compares what queries see.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "milvus2x/client.hpp"
#include "milvus2x/import_journal.hpp"
#include "milvus2x/server_rules.hpp"

namespace mm::milvus2x {

struct PartitionCount {
  std::string collection, partition;
  int64_t baseline = 0, imported = 0, rows = 0, leftover = 0;
  std::vector<int64_t> leftover_tasks;
  int64_t visible() const { return rows - leftover; }
  bool ok() const { return visible() == baseline + imported; }
};

// Counts every partition (waiting up to 30 s for statistics that trail a finished import).
std::vector<PartitionCount> count_partitions(Client& client, const ImportJournal& journal, const ServerRules& rules,
                                             const std::vector<std::pair<std::string, std::string>>& partitions);
// The first mismatch as one phrase, "" when every count is right; logs what failed imports left.
std::string count_problem(const std::vector<PartitionCount>& counts);

}  // namespace mm::milvus2x
