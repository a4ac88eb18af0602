// The import journal: an append-only JSON Lines file, synced after every entry, that records what
// mm-bulkinsert asked the server to do. A rerun after a crash reads it to wait for or check jobs it
// already submitted, so no group is imported twice.
//
// Entries:
//   {"event":"baseline","collection":C,"partition":P,"rows":N}   rows in P before the first import
//   {"event":"submitting","group":K,"collection":C,"partition":P,"rows":N}   just before Import
//   {"event":"submitted","group":K,"task":T}
//   {"event":"completed","group":K,"task":T,"rows":N}
//   {"event":"failed","group":K,"task":T,"reason":R}
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mm::milvus2x {

struct JournalGroup {
  std::string collection, partition;
  uint64_t rows = 0;
  int64_t task = 0;        // 0 while only "submitting"
  bool completed = false;
  bool failed = false;
};

class ImportJournal {
 public:
  // Reads the entries already in `path` (if any) and opens it for appending.
  explicit ImportJournal(const std::string& path);
  ~ImportJournal();
  ImportJournal(const ImportJournal&) = delete;
  ImportJournal& operator=(const ImportJournal&) = delete;

  const std::string& path() const { return path_; }
  std::optional<int64_t> baseline(const std::string& collection, const std::string& partition) const;
  const JournalGroup* group(const std::string& key) const;
  // Rows of completed groups per (collection, partition), over every run.
  std::map<std::pair<std::string, std::string>, uint64_t> completed_rows() const;

  void record_baseline(const std::string& collection, const std::string& partition, int64_t rows);
  void record_submitting(const std::string& key, const std::string& collection, const std::string& partition, uint64_t rows);
  void record_submitted(const std::string& key, int64_t task);
  void record_completed(const std::string& key, int64_t task, int64_t rows);
  void record_failed(const std::string& key, int64_t task, const std::string& reason);

 private:
  void apply(const std::string& line, uint64_t line_no);
  void append(const std::string& json);

  std::string path_;
  int fd_ = -1;
  std::map<std::pair<std::string, std::string>, int64_t> baselines_;
  std::map<std::string, JournalGroup> groups_;
};

}  // namespace mm::milvus2x
