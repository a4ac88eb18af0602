#include "milvus2x/import_scheduler.hpp"

#include <algorithm>
#include <thread>

#include "errors.hpp"
#include "log.hpp"

namespace mm::milvus2x {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// The recorded version's import family differs from the server's now (an upgrade between runs):
// its job ids mean nothing here.
bool other_family(const std::string& recorded, const ServerRules& now) {
  auto version = parse_server_version(recorded);
  return version && version->at_least(2, 4) != now.jobs();
}

}  // namespace

ImportScheduler::ImportScheduler(ImportServer& server, ImportJournal& journal, SchedulerOptions options, Done done)
    : server_(server), journal_(journal), options_(std::move(options)), done_(std::move(done)) {}

void ImportScheduler::sleep(double seconds) {
  if (options_.sleep)
    options_.sleep(seconds);
  else
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

std::string ImportScheduler::what(const Running& r) const {
  return r.group.key + " (" + server_.rules().import_noun() + " " + std::to_string(r.job) + ")";
}

bool ImportScheduler::add(ScheduledGroup group) {
  // Rows go in exactly once: a group cut differently from an earlier run (another --group-size)
  // must not import rows an earlier group already holds.
  if (auto other = journal_.overlapping(group.key, group.pieces))
    fail("group " + group.key + (*other == group.key ? " holds other rows than the group of that name" : " overlaps rows of group " + *other) +
         " in the journal " + journal_.path() + "; convert with the same --group-size as before");
  const JournalGroup* earlier = journal_.group(group.key);
  if (earlier && earlier->completed) return false;
  wait_for_slot(options_.in_flight);
  // A job of an earlier run that has not failed may still complete: wait for it, never submit the
  // group beside it.
  if (earlier && !earlier->failed) {
    if (earlier->task && other_family(earlier->server_version, server_.rules())) {
      // The earlier server is of the other family, so its word is the other one.
      log_warning("import " + group.key + ": its " + (server_.rules().jobs() ? "task " : "job ") + std::to_string(earlier->task) +
                  " was submitted to Milvus " + earlier->server_version + ", and this server is " + server_.rules().name() +
                  ": its rows are checked against the partition's row count before the group goes in again");
      Running r{std::move(group), earlier->task, true};
      unknown_.push_back(std::move(r));
      return true;
    }
    bool unknown = false;
    std::optional<int64_t> job;
    if (earlier->task) job = earlier->task;
    if (!job) job = find_submitted(group, unknown);  // crashed between submitting and noting the id
    if (job) {
      if (!earlier->task) journal_.record_submitted(group.key, *job);
      log_info(std::string(earlier->stalled ? "checking again" : "waiting for") + " import " +
               server_.rules().import_noun() + " " + std::to_string(*job) + " of " + group.key + " from an earlier run" +
               (earlier->stalled ? ", which stalled there" : ""));
      take_over(std::move(group), *job);
      return true;
    }
    if (unknown) {
      log_warning("import " + group.key + ": an earlier run submitted it, but " + server_.rules().name() +
                  " lists no job for its files (it forgets jobs hours after they end): its rows are checked against the "
                  "partition's row count before it goes in again");
      unknown_.push_back(Running{std::move(group), 0, true});
      return true;
    }
  }
  if (earlier && earlier->failed) ++counts_.resubmitted_groups;
  submit(std::move(group));
  return true;
}

// 2.2/2.3 list each task's files; 2.4+ serve them through REST (list, then describe). Failed
// ones are noted in the journal with what they left behind. `unknown`: the server cannot list a
// forgotten job, so "not found" does not prove the group absent.
std::optional<int64_t> ImportScheduler::find_submitted(const ScheduledGroup& group, bool& unknown) {
  FindResult found = server_.find(group.target);
  if (!found.unavailable.empty())
    fail("import " + group.key + ": an earlier run submitted it but its job id never reached the journal " + journal_.path() +
         ", and the jobs of " + server_.rules().name() + " at " + server_.address() + " cannot be searched (" + found.unavailable +
         "); not submitting it again blindly: check with POST /v2/vectordb/jobs/import/list and describe whether a job "
         "imports " + join(group.target.files, ", ") + ", then rerun once the server's REST API answers");
  std::optional<int64_t> live;
  for (const auto& job : found.jobs) {
    if (job.status.state != JobStatus::State::Failed) {
      if (live) log_warning("import " + group.key + ": the server has several jobs for its files (" + std::to_string(*live) + ", " +
                            std::to_string(job.id) + "); waiting for the first");
      if (!live) live = job.id;
    } else if (!journal_.knows_failed(job.id)) {
      journal_.record_failed(group.key, job.id, job.status.reason, job.status.rows, job.status.segments);
    }
  }
  unknown = !live && server_.rules().jobs();
  return live;
}

void ImportScheduler::submit(ScheduledGroup group) {
  const auto& t = group.target;
  journal_.record_submitting(group.key, t.collection, t.partition, group.rows, group.pieces);
  int timeout = server_.rules().takes_job_timeout() ? options_.stall_timeout_seconds : 0;
  int64_t job = server_.submit(t, timeout);
  journal_.record_submitted(group.key, job);
  log_debug("import " + std::string(server_.rules().import_noun()) + " " + std::to_string(job) + ": " + group.key + ": " +
            join(t.files, ", "));
  Running r{std::move(group), job, false};
  r.last_change = options_.now();
  running_.push_back(std::move(r));
}

void ImportScheduler::take_over(ScheduledGroup group, int64_t job) {
  Running r{std::move(group), job, true};
  r.last_change = options_.now();
  running_.push_back(std::move(r));
}

void ImportScheduler::wait_for_slot(size_t limit) {
  while (running_.size() >= limit && !running_.empty())
    if (!poll_once()) sleep(options_.poll_seconds);
}

// True while the job runs; notes its progress and fails it when it stalled too long.
bool ImportScheduler::still_running(Running& r, const JobStatus& s) {
  const auto& rules = server_.rules();
  auto now = options_.now();
  std::string stage = rules.stage(s.percent, s.pending);
  if (stage != r.stage) log_debug("import " + what(r) + ": " + stage + ", " + std::to_string(s.percent) + "% (" + rules.name() + ")");
  r.stage = stage;
  // A queued job is not stalled: the server runs a few at a time.
  if (s.percent != r.percent || s.pending) {
    r.percent = s.percent;
    r.last_change = now;
    return true;
  }
  bool has_index = rules.jobs() && s.percent >= 80 && server_.has_index(r.group.target.collection);
  std::string hint = rules.stall_hint(s.percent, has_index);
  long idle = long(std::chrono::duration_cast<std::chrono::seconds>(now - r.last_change).count());
  // Index building takes as long as it takes; the server's own job timeout bounds it.
  bool indexing = rules.waits_for_index(s.percent, has_index);
  if (!indexing && now - r.last_change > std::chrono::seconds(options_.stall_timeout_seconds)) {
    journal_.record_stalled(r.group.key, r.job, options_.stall_timeout_seconds);
    failures_.push_back("import " + what(r) + " made no progress for " + std::to_string(options_.stall_timeout_seconds) + " s at " +
                        std::to_string(s.percent) + "%" + hint +
                        "; the journal keeps the " + rules.import_noun() +
                        ": a rerun waits for it and imports the group again only once the server reports it failed");
    log_warning(failures_.back());
    return false;
  }
  if (idle >= 60 && now - r.last_note >= std::chrono::seconds(300)) {
    log_info("waiting for import " + what(r) + ": " + stage + " for " + std::to_string(idle) + " s at " + std::to_string(s.percent) +
             "%" + hint + (indexing ? "" : " (--stall-timeout " + std::to_string(options_.stall_timeout_seconds) + " s)"));
    r.last_note = now;
  }
  return true;
}

void ImportScheduler::completed(Running& r) {
  journal_.record_completed(r.group.key, r.job, int64_t(r.group.rows));
  counts_.imported_rows += r.group.rows;
  ++counts_.imported_groups;
  if (r.earlier_run) {
    ++counts_.resumed_groups;
    counts_.resumed_rows += r.group.rows;
  }
  rows_this_run_[{r.group.target.collection, r.group.target.partition}] += r.group.rows;
  log_info("imported " + std::to_string(r.group.rows) + " rows into " + what(r));
  done_(r.group, r.job, r.earlier_run);
}

bool ImportScheduler::poll_once() {
  bool changed = false;
  std::vector<ScheduledGroup> again;  // earlier runs' jobs that failed: their groups go in once more
  for (auto it = running_.begin(); it != running_.end();) {
    JobStatus s = server_.status(it->job);
    if (s.state == JobStatus::State::Running && still_running(*it, s)) {
      ++it;
      continue;
    }
    changed = true;
    if (s.state == JobStatus::State::Unknown) {
      log_warning("import " + what(*it) + ": " + server_.rules().name() +
                  " no longer knows the job (it forgets jobs hours after they end, and ids of other versions): its rows "
                  "are checked against the partition's row count once the other imports are done");
      unknown_.push_back(std::move(*it));
    } else if (s.state == JobStatus::State::Failed) {
      // 2.2/2.3: what it wrote stays in the row-count statistics until the server cleans up,
      // noted for the count check. 2.4+ drop a failed job's segments themselves.
      journal_.record_failed(it->group.key, it->job, s.reason, s.rows, s.segments);
      std::string reason = s.reason.empty() ? "no reason given" : s.reason;
      if (it->earlier_run) {
        log_warning("import " + what(*it) + " of an earlier run failed (" + reason + "); importing the group again");
        ++counts_.resubmitted_groups;
        again.push_back(std::move(it->group));
      } else {
        failures_.push_back("import " + what(*it) + " failed: " + reason);
        log_warning(failures_.back());
      }
    } else if (s.state == JobStatus::State::Completed) {
      completed(*it);
    }
    it = running_.erase(it);
  }
  for (auto& group : again) submit(std::move(group));
  report_running();
  return changed;
}

// "2 imports on Milvus 2.6.3: importing 55%, pending 5%"
void ImportScheduler::report_running() {
  if (!options_.report) return;
  std::string detail;
  for (const auto& r : running_)
    if (!r.stage.empty()) detail += (detail.empty() ? "" : ", ") + r.stage + " " + std::to_string(r.percent) + "%";
  if (!detail.empty())
    detail = std::to_string(running_.size()) + (running_.size() == 1 ? " import on " : " imports on ") + server_.rules().name() + ": " + detail;
  options_.report(detail);
}

// Every group whose job the server cannot tell about, settled per partition: with nothing else
// running there, the partition holds its baseline, the journal's completed groups, and exactly one
// subset of these groups. Only a subset that no other subset can be mistaken for is trusted.
void ImportScheduler::reconcile_unknown() {
  std::map<std::pair<std::string, std::string>, std::vector<Running>> by_partition;
  for (auto& r : unknown_) by_partition[{r.group.target.collection, r.group.target.partition}].push_back(std::move(r));
  unknown_.clear();
  auto completed_rows = journal_.completed_rows();
  for (auto& [where, groups] : by_partition) {
    const std::string name = where.first + "/" + where.second;
    auto baseline = journal_.baseline(where.first, where.second);
    if (!baseline) fail("import " + groups[0].group.key + ": the journal " + journal_.path() + " has no baseline for " + name);
    int64_t rows = server_.flushed_rows(where.first, where.second);
    int64_t extra = rows - *baseline - int64_t(completed_rows[where]);
    std::vector<std::string> keys;
    for (const auto& r : groups) keys.push_back(r.group.key + " (" + std::to_string(r.group.rows) + " rows)");
    const std::string facts = name + " holds " + std::to_string(rows) + " rows after a flush, " + std::to_string(*baseline) +
                              " before the migration and " + std::to_string(completed_rows[where]) + " in groups the journal has completed";
    if (groups.size() > 16)
      fail("cannot tell which of " + std::to_string(groups.size()) + " groups whose jobs " + server_.rules().name() +
           " forgot are in: " + facts + "; too many to settle by the row count");
    uint32_t match = 0, matches = 0;
    for (uint32_t mask = 0; mask < (1u << groups.size()); ++mask) {
      int64_t sum = 0;
      for (size_t i = 0; i < groups.size(); ++i)
        if (mask >> i & 1) sum += int64_t(groups[i].group.rows);
      if (sum == extra) {
        match = mask;
        ++matches;
      }
    }
    if (matches != 1)
      fail("cannot tell whether the rows of " + join(keys, ", ") + " are in: " + facts + " (" + std::to_string(extra) + " more), " +
           (matches ? "which more than one choice of these groups explains" : "which no choice of these groups explains") +
           "; nothing was imported again. Compare the partition with the 1.x data (mm-verify) before going on");
    for (size_t i = 0; i < groups.size(); ++i) {
      Running& r = groups[i];
      bool present = match >> i & 1;
      journal_.record_reconciled(r.group.key, r.job, int64_t(r.group.rows), present);
      log_info("import " + r.group.key + ": " + (present ? "its rows are in" : "its rows are not in, importing it again") +
               " (" + facts + ")");
      if (present) {
        ++counts_.reconciled_groups;
        counts_.reconciled_rows += r.group.rows;
        done_(r.group, r.job, true);
      } else {
        ++counts_.resubmitted_groups;
        submit(std::move(r.group));
      }
    }
  }
}

void ImportScheduler::finish() {
  for (;;) {
    wait_for_slot(1);
    if (unknown_.empty() || !failures_.empty()) break;
    reconcile_unknown();
  }
  if (!failures_.empty())
    fail(failures_.front() + (failures_.size() > 1 ? " (and " + std::to_string(failures_.size() - 1) + " more)" : ""));
}

}  // namespace mm::milvus2x
