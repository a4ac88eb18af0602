// The import journal: an append-only JSON Lines file, synced after every entry, that records what
// mm-bulkinsert asked the server to do. A rerun after a crash reads it to wait for or check jobs it
// already submitted, so no group is imported twice.
//
// Entries:
//   {"event":"target","server":S,"database":D}   the Milvus the journal belongs to (first entry)
//   {"event":"server","version":V}   the server's version, whenever a run finds it changed
//   {"event":"baseline","collection":C,"partition":P,"rows":N}   rows in P before the first import
//   {"event":"submitting","group":K,"collection":C,"partition":P,"rows":N,"pieces":[...]}   just before Import
//   {"event":"submitted","group":K,"task":T}
//   {"event":"completed","group":K,"task":T,"rows":N}
//   {"event":"failed","group":K,"task":T,"reason":R,"rows":N,"segments":[S...]}
//        rows and segments: what the server reported the failed task wrote; Milvus 2.3 keeps such
//        segments in its row-count statistics (not in queries) until it cleans them up
//   {"event":"stalled","group":K,"task":T,"seconds":S}   no progress for S s; the task may still run
//   {"event":"reconciled","group":K,"task":T,"rows":N,"present":B}   the server no longer knew the
//        group's job (or never told its id); the partition's row count showed its rows in (true)
//        or provably absent (false: the group may be imported again)
// Every entry also has "time": when it was written, UTC ("2026-11-30T08:10:00.123Z").
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mm::milvus2x {

// A run of live rows of one 1.x segment: [first, first + rows).
struct RowRange {
  std::string segment;  // table_id/segment_id
  uint64_t first = 0, rows = 0;
  bool operator==(const RowRange& o) const { return segment == o.segment && first == o.first && rows == o.rows; }
};

struct JournalGroup {
  std::string collection, partition;
  uint64_t rows = 0;
  std::vector<RowRange> pieces;
  int64_t task = 0;        // 0 while only "submitting"
  std::string server_version;  // of the server the group was last submitted to ("" in older journals)
  bool completed = false;
  bool failed = false;
  bool stalled = false;    // the task is still the group's: a rerun waits for it again
};

// What a failed task left behind: segments the statistics may still count.
struct FailedTask {
  std::string group, collection, partition;
  int64_t task = 0, rows = 0;
  std::vector<int64_t> segments;
};

class ImportJournal {
 public:
  // Reads the entries already in `path` (if any) and opens it for appending.
  explicit ImportJournal(const std::string& path);
  ~ImportJournal();
  ImportJournal(const ImportJournal&) = delete;
  ImportJournal& operator=(const ImportJournal&) = delete;

  const std::string& path() const { return path_; }
  // Records the target on first use; fails when the journal belongs to another server or database.
  void check_target(const std::string& server, const std::string& database);
  // Notes the server's version when it differs from the last one noted.
  void note_server_version(const std::string& version);
  const std::string& server_version() const { return version_; }
  // Another live (not failed) group holding any of these rows, if there is one.
  std::optional<std::string> overlapping(const std::string& key, const std::vector<RowRange>& pieces) const;
  std::optional<int64_t> baseline(const std::string& collection, const std::string& partition) const;
  const JournalGroup* group(const std::string& key) const;
  // Rows of completed groups per (collection, partition), over every run.
  std::map<std::pair<std::string, std::string>, uint64_t> completed_rows() const;
  // Every failed task, over every run, in journal order.
  const std::vector<FailedTask>& failed_tasks() const { return failed_; }
  bool knows_failed(int64_t task) const;

  void record_baseline(const std::string& collection, const std::string& partition, int64_t rows);
  void record_submitting(const std::string& key, const std::string& collection, const std::string& partition, uint64_t rows,
                         const std::vector<RowRange>& pieces);
  void record_submitted(const std::string& key, int64_t task);
  void record_completed(const std::string& key, int64_t task, int64_t rows);
  void record_failed(const std::string& key, int64_t task, const std::string& reason, int64_t rows,
                     const std::vector<int64_t>& segments);
  void record_stalled(const std::string& key, int64_t task, int64_t seconds);
  void record_reconciled(const std::string& key, int64_t task, int64_t rows, bool present);

 private:
  void read_entries();
  void apply(const std::string& line, uint64_t line_no);
  void append(const std::string& json);

  std::string path_;
  int fd_ = -1;
  std::optional<std::pair<std::string, std::string>> target_;
  std::string version_;
  std::map<std::pair<std::string, std::string>, int64_t> baselines_;
  std::map<std::string, JournalGroup> groups_;
  std::vector<FailedTask> failed_;
};

}  // namespace mm::milvus2x
