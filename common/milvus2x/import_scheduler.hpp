// Imports groups exactly once: a few at a time, each submitted only after the journal holds it,
// each earlier run's job waited for instead of submitted again, and every group whose fate the
// server can no longer tell (a job it forgot, an id that never reached the journal) settled
// against the partition's row count before it may go in again.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "milvus2x/import_journal.hpp"
#include "milvus2x/import_server.hpp"

namespace mm::milvus2x {

struct ScheduledGroup {
  std::string key;  // collection/partition/name
  GroupFiles target;
  uint64_t rows = 0, bytes = 0;
  std::vector<RowRange> pieces;
};

struct SchedulerOptions {
  unsigned in_flight = 2;
  double poll_seconds = 2;
  int stall_timeout_seconds = 3600;  // no progress for this long: the import fails (and 2.4+ jobs get it as "timeout")
  // Injected so the unit tests run without waiting.
  std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
  std::function<void(double seconds)> sleep;  // default: this thread sleeps
  // What the running imports are doing, after each round of polls ("" when none runs).
  std::function<void(const std::string& detail)> report;
};

struct SchedulerCounts {
  // Groups (rows) whose rows went in during this run; of those, the ones an earlier run had
  // submitted; groups submitted again after their earlier job failed or proved absent; groups
  // whose rows the partition's count showed already in.
  uint64_t imported_groups = 0, imported_rows = 0, resumed_groups = 0, resumed_rows = 0, resubmitted_groups = 0,
           reconciled_groups = 0, reconciled_rows = 0;
};

class ImportScheduler {
 public:
  // done(group, job, resumed): the group's rows are in; called once per group, on this thread.
  using Done = std::function<void(const ScheduledGroup& group, int64_t job, bool resumed)>;
  ImportScheduler(ImportServer& server, ImportJournal& journal, SchedulerOptions options, Done done);

  // False when an earlier run completed the group (nothing to do). Otherwise starts its import,
  // or takes over the job an earlier run started; blocks while `in_flight` imports run.
  bool add(ScheduledGroup group);
  // Waits for every import and settles the groups the server forgot; fails on any failure.
  void finish();
  const SchedulerCounts& counts() const { return counts_; }
  // Rows that went in during this run, per (collection, partition).
  const std::map<std::pair<std::string, std::string>, uint64_t>& rows_this_run() const { return rows_this_run_; }

 private:
  struct Running {
    ScheduledGroup group;
    int64_t job = 0;
    bool earlier_run = false;  // the job was submitted by an earlier run
    int percent = -1;
    std::string stage;
    std::chrono::steady_clock::time_point last_change, last_note;  // last_note: the last "waiting for" line
  };

  void submit(ScheduledGroup group);
  void take_over(ScheduledGroup group, int64_t job);
  // The job an earlier run submitted for the group, found again by its files, if it can complete.
  std::optional<int64_t> find_submitted(const ScheduledGroup& group, bool& unknown);
  void wait_for_slot(size_t limit);
  bool poll_once();
  bool still_running(Running& r, const JobStatus& s);
  void completed(Running& r);
  void reconcile_unknown();
  void report_running();
  void sleep(double seconds);
  std::string what(const Running& r) const;

  ImportServer& server_;
  ImportJournal& journal_;
  SchedulerOptions options_;
  Done done_;
  std::vector<Running> running_;
  std::vector<Running> unknown_;  // jobs the server no longer knows: settled by the row count
  std::vector<std::string> failures_;
  SchedulerCounts counts_;
  std::map<std::pair<std::string, std::string>, uint64_t> rows_this_run_;
};

}  // namespace mm::milvus2x
