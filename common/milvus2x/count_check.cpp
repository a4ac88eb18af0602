#include "milvus2x/count_check.hpp"

#include <chrono>
#include <optional>
#include <thread>

#include "log.hpp"

namespace mm::milvus2x {
namespace {

// Rows the statistics of a partition count in segments written by failed imports: Milvus 2.2/2.3
// keep them (not visible to queries) until their cleanup marks them dropped.
void find_leftover(Client& client, const ImportJournal& journal, PartitionCount& c) {
  c.leftover = 0;
  c.leftover_tasks.clear();
  std::optional<std::map<int64_t, SegmentInfo>> segments;
  for (const auto& f : journal.failed_tasks()) {
    if (f.collection != c.collection || f.partition != c.partition || f.segments.empty()) continue;
    if (!segments) segments = client.segments(c.collection);
    int64_t rows = 0;
    for (int64_t id : f.segments) {
      auto it = segments->find(id);
      if (it != segments->end() && it->second.counted()) rows += it->second.rows;
    }
    if (rows > 0) {
      c.leftover += rows;
      c.leftover_tasks.push_back(f.task);
    }
  }
}

std::string task_list(const std::vector<int64_t>& tasks) {
  std::string text;
  for (int64_t t : tasks) text += (text.empty() ? "" : ", ") + std::to_string(t);
  return text;
}

}  // namespace

std::vector<PartitionCount> count_partitions(Client& client, const ImportJournal& journal, const ServerRules& rules,
                                             const std::vector<std::pair<std::string, std::string>>& partitions) {
  auto imported = journal.completed_rows();
  std::vector<PartitionCount> counts;
  for (const auto& where : partitions) {
    // Named copies, not structured bindings: the lambda below captures them (C++17 forbids that).
    const std::string& collection = where.first;
    const std::string& partition = where.second;
    PartitionCount c;
    c.collection = collection;
    c.partition = partition;
    c.baseline = journal.baseline(collection, partition).value_or(0);
    c.imported = int64_t(imported[{collection, partition}]);
    auto measure = [&] {
      c.rows = client.partition_rows(collection, partition);
      if (rules.failed_imports_leave_segments()) find_leftover(client, journal, c);
    };
    measure();
    // Statistics can trail a just-finished import for a moment; 2.3 may drop leftovers meanwhile.
    for (int i = 0; i < 30 && !c.ok(); ++i) {
      if (c.visible() > c.baseline + c.imported && i >= 2) break;
      std::this_thread::sleep_for(std::chrono::seconds(1));
      measure();
    }
    counts.push_back(c);
  }
  return counts;
}

std::string count_problem(const std::vector<PartitionCount>& counts) {
  std::string bad;
  for (const auto& c : counts) {
    const std::string where = c.collection + "/" + c.partition;
    const std::string sum = std::to_string(c.baseline + c.imported) + " (" + std::to_string(c.baseline) + " before + " +
                            std::to_string(c.imported) + " imported)";
    if (c.leftover > 0)
      log_info(where + ": the statistics count " + std::to_string(c.rows) + " rows, " + std::to_string(c.leftover) +
               " of them in segments left by failed import task(s) " + task_list(c.leftover_tasks) + " (queries do not see them): " +
               std::to_string(c.visible()) + " rows, expected " + sum);
    if (!c.ok() && bad.empty())
      bad = where + " has " + std::to_string(c.rows) + " rows" +
            (c.leftover ? " in its statistics, " + std::to_string(c.leftover) + " of them left by failed import task(s) " +
                              task_list(c.leftover_tasks) + ", so " + std::to_string(c.visible()) + " visible"
                        : "") +
            ", expected " + sum;
  }
  return bad;
}

}  // namespace mm::milvus2x
