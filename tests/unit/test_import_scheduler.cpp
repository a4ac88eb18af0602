// The scheduler against an in-memory model of a server (ModelServer: jobs that finish after a few
// polls, a partition row count, a job list that can be down or forget jobs). The real servers
// are in the integration tests; this drives every crash window on every family in milliseconds.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <map>
#include <set>

#include "errors.hpp"
#include "milvus2x/import_scheduler.hpp"

using namespace mm;
using namespace mm::milvus2x;

namespace {

struct ModelJob {
  GroupFiles files;
  uint64_t rows = 0;
  int polls_left = 2;
  bool fail = false;
  JobStatus::State state = JobStatus::State::Running;
};

class ModelServer : public ImportServer {
 public:
  explicit ModelServer(const std::string& version) : rules_(rules_for(*parse_server_version(version))) {}
  const ServerRules& rules() const override { return rules_; }
  const std::string& address() const override { return address_; }
  int64_t submit(const GroupFiles& g, int timeout_seconds) override {
    int64_t id = next_id_++;
    jobs_[id] = {g, rows_of.at(g.files[0])};
    jobs_[id].fail = fail_next;
    fail_next = false;
    ++submits[g.files[0]];
    last_timeout = timeout_seconds;
    return id;
  }
  JobStatus status(int64_t id) override {
    JobStatus s;
    auto it = jobs_.find(id);
    if (it == jobs_.end() || forgotten.count(id)) {
      s.state = JobStatus::State::Unknown;
      return s;
    }
    ModelJob& j = it->second;
    if (j.state == JobStatus::State::Running && stuck_at < 0 && --j.polls_left <= 0) {
      j.state = j.fail ? JobStatus::State::Failed : JobStatus::State::Completed;
      if (!j.fail) rows[{j.files.collection, j.files.partition}] += int64_t(j.rows);
    }
    s.state = j.state;
    s.percent = stuck_at >= 0 ? stuck_at : j.state == JobStatus::State::Completed ? 100 : 50;
    if (j.fail) s.reason = "model failure";
    return s;
  }
  FindResult find(const GroupFiles& g) override {
    FindResult r;
    if (rest_down) {
      r.unavailable = "connection refused";
      return r;
    }
    for (const auto& [id, j] : jobs_)
      if (j.files.files == g.files && !forgotten.count(id)) {
        JobStatus s;
        s.state = j.state;
        r.jobs.push_back({id, s});
      }
    return r;
  }
  int64_t flushed_rows(const std::string& c, const std::string& p) override { return rows[{c, p}]; }
  bool has_index(const std::string&) override { return indexed; }

  // A job the server accepted but whose id the client never journaled (crash in that window).
  int64_t accept_silently(const GroupFiles& g, bool run_to_end) {
    int64_t id = submit(g, 0);
    if (run_to_end)
      while (status(id).state == JobStatus::State::Running) {
      }
    return id;
  }

  std::map<std::string, uint64_t> rows_of;  // rows of the group whose id file is the key
  std::map<std::string, int> submits;       // per id file
  std::map<std::pair<std::string, std::string>, int64_t> rows;
  std::set<int64_t> forgotten;
  bool rest_down = false, fail_next = false, indexed = false;
  int stuck_at = -1;
  int last_timeout = -1;

 private:
  ServerRules rules_;
  std::string address_ = "model:19530";
  std::map<int64_t, ModelJob> jobs_;
  int64_t next_id_ = 450000000000000001;
};

struct TempPath {
  TempPath() {
    char name[] = "/tmp/mm-sched-test.XXXXXX";
    ::close(mkstemp(name));
    path = name;
  }
  ~TempPath() { ::unlink(path.c_str()); }
  std::string path;
};

ScheduledGroup group(const std::string& name, uint64_t rows, uint64_t first = 0) {
  ScheduledGroup g;
  g.key = "c/p/" + name;
  g.target = {"c", "p", {"/npy/" + name + "/id.npy", "/npy/" + name + "/data.npy"}};
  g.rows = rows;
  g.pieces = {{"1/1", first, rows}};
  return g;
}

SchedulerOptions fast() {
  SchedulerOptions o;
  o.poll_seconds = 0;
  o.sleep = [](double) {};
  return o;
}

// One run of the scheduler over `groups`; returns the keys reported done.
std::vector<std::string> run(ModelServer& server, const std::string& journal_path, const std::vector<ScheduledGroup>& groups,
                             SchedulerOptions options = fast()) {
  ImportJournal journal(journal_path);
  if (!journal.baseline("c", "p")) journal.record_baseline("c", "p", server.rows[{"c", "p"}]);
  std::vector<std::string> done;
  ImportScheduler s(server, journal, options, [&](const ScheduledGroup& g, int64_t, bool) { done.push_back(g.key); });
  for (const auto& g : groups) s.add(g);
  s.finish();
  return done;
}

// A journal left by a run that crashed right after noting these groups as submitting.
void crashed_while_submitting(const std::string& journal_path, const std::vector<ScheduledGroup>& groups) {
  ImportJournal journal(journal_path);
  journal.record_baseline("c", "p", 0);
  for (const auto& g : groups) journal.record_submitting(g.key, "c", "p", g.rows, g.pieces);
}

void expect_rows(ModelServer& server, int64_t rows) { BOOST_TEST((server.rows[{"c", "p"}]) == rows); }

}  // namespace

BOOST_AUTO_TEST_CASE(scheduler_imports_each_group_once_and_a_rerun_nothing) {
  for (const char* version : {"v2.3.5", "v2.6.3"}) {
    ModelServer server(version);
    TempPath j;
    std::vector<ScheduledGroup> groups = {group("g0", 10), group("g1", 20, 10), group("g2", 30, 30)};
    for (const auto& g : groups) server.rows_of[g.target.files[0]] = g.rows;
    BOOST_TEST(run(server, j.path, groups).size() == 3u);
    BOOST_TEST(run(server, j.path, groups).empty());
    expect_rows(server, 60);
    for (const auto& [file, n] : server.submits) BOOST_TEST(n == 1, file);
    BOOST_TEST(server.last_timeout == (std::string(version) == "v2.6.3" ? 3600 : 0));
  }
}

BOOST_AUTO_TEST_CASE(scheduler_reports_the_stages_of_running_imports_for_the_version) {
  for (const char* version : {"v2.3.5", "v2.6.3", "v3.0.1"}) {
    ModelServer server(version);
    TempPath j;
    auto g = group("g0", 10);
    server.rows_of[g.target.files[0]] = 10;
    server.stuck_at = 99;
    SchedulerOptions o = fast();
    std::vector<std::string> reports;
    o.report = [&](const std::string& detail) { reports.push_back(detail); };
    o.sleep = [&](double) {
      if (reports.size() > 3) server.stuck_at = -1;
    };
    run(server, j.path, {g}, o);
    BOOST_REQUIRE(reports.size() > 3);
    const std::string want = std::string(version) == "v3.0.1" ? "1 import on Milvus 3.0.1: committing 99%"
                             : std::string(version) == "v2.6.3" ? "1 import on Milvus 2.6.3: building the index 99%"
                                                                : "1 import on Milvus 2.3.5: persisted, flushing 99%";
    BOOST_TEST(reports[0] == want);
    BOOST_TEST(reports.back() == "");  // none running at the end
  }
}

BOOST_AUTO_TEST_CASE(scheduler_finds_a_job_whose_id_never_reached_the_journal) {
  ModelServer server("v2.6.3");
  TempPath j;
  auto g = group("g0", 10);
  server.rows_of[g.target.files[0]] = 10;
  crashed_while_submitting(j.path, {g});
  server.accept_silently(g.target, false);  // the crash: the server has the job, the journal not its id
  BOOST_TEST(run(server, j.path, {g}).size() == 1u);
  BOOST_TEST(server.submits[g.target.files[0]] == 1);
  expect_rows(server, 10);
}

BOOST_AUTO_TEST_CASE(scheduler_settles_a_forgotten_job_by_the_row_count) {
  // present: the job completed and was forgotten; absent: the crash came before Import reached the server.
  for (bool present : {true, false}) {
    ModelServer server("v2.6.3");
    TempPath j;
    auto g = group("g0", 10);
    server.rows_of[g.target.files[0]] = 10;
    crashed_while_submitting(j.path, {g});
    if (present) server.forgotten.insert(server.accept_silently(g.target, true));
    BOOST_TEST(run(server, j.path, {g}).size() == 1u);
    BOOST_TEST(server.submits[g.target.files[0]] == 1);  // present: by the silent job; absent: by this run
    expect_rows(server, 10);
    ImportJournal journal(j.path);
    BOOST_TEST(journal.group(g.key)->completed);
  }
}

BOOST_AUTO_TEST_CASE(scheduler_settles_a_journaled_job_the_server_forgot) {
  ModelServer server("v2.6.3");
  TempPath j;
  auto a = group("a", 10), b = group("b", 25, 10);
  server.rows_of[a.target.files[0]] = 10;
  server.rows_of[b.target.files[0]] = 25;
  int64_t done_id = 0, lost_id = 0;
  {
    ImportJournal journal(j.path);
    journal.note_server_version("v2.6.3");
    journal.record_baseline("c", "p", 0);
    journal.record_submitting(a.key, "c", "p", 10, a.pieces);
    done_id = server.accept_silently(a.target, true);
    journal.record_submitted(a.key, done_id);
    journal.record_submitting(b.key, "c", "p", 25, b.pieces);
    lost_id = 999;  // an id the server never had (or has forgotten): b's rows are not in
    journal.record_submitted(b.key, lost_id);
  }
  server.forgotten.insert(done_id);
  BOOST_TEST(run(server, j.path, {a, b}).size() == 2u);
  BOOST_TEST(server.submits[a.target.files[0]] == 1);  // present: never again
  BOOST_TEST(server.submits[b.target.files[0]] == 1);  // absent: once, now
  expect_rows(server, 35);
}

BOOST_AUTO_TEST_CASE(scheduler_refuses_to_guess_when_the_count_fits_several_ways) {
  ModelServer server("v2.6.3");
  TempPath j;
  auto a = group("a", 10), b = group("b", 10, 10);
  server.rows_of[a.target.files[0]] = 10;
  server.rows_of[b.target.files[0]] = 10;
  crashed_while_submitting(j.path, {a, b});
  server.forgotten.insert(server.accept_silently(a.target, true));  // one of the two is in: which?
  try {
    run(server, j.path, {a, b});
    BOOST_FAIL("guessed");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find("more than one choice") != std::string::npos, e.what());
  }
  BOOST_TEST(server.submits[b.target.files[0]] == 0);
  expect_rows(server, 10);
}

BOOST_AUTO_TEST_CASE(scheduler_stops_when_the_job_list_cannot_be_searched) {
  ModelServer server("v2.6.3");
  TempPath j;
  auto g = group("g0", 10);
  server.rows_of[g.target.files[0]] = 10;
  crashed_while_submitting(j.path, {g});
  server.rest_down = true;
  try {
    run(server, j.path, {g});
    BOOST_FAIL("went on blindly");
  } catch (const Error& e) {
    std::string m = e.what();
    BOOST_TEST(m.find("import c/p/g0") != std::string::npos, m);
    BOOST_TEST(m.find("connection refused") != std::string::npos, m);
    BOOST_TEST(m.find("/v2/vectordb/jobs/import/list") != std::string::npos, m);
  }
  BOOST_TEST(server.submits[g.target.files[0]] == 0);
}

BOOST_AUTO_TEST_CASE(scheduler_checks_jobs_of_another_server_version_by_the_count) {
  ModelServer server("v2.6.3");
  TempPath j;
  auto g = group("g0", 10);
  server.rows_of[g.target.files[0]] = 10;
  {
    ImportJournal journal(j.path);
    journal.note_server_version("v2.3.5");
    journal.record_baseline("c", "p", 0);
    journal.record_submitting(g.key, "c", "p", 10, g.pieces);
    journal.record_submitted(g.key, 7);  // a 2.3 task id, which means nothing to 2.6
  }
  server.rows[{"c", "p"}] = 10;          // the 2.3 task completed before the upgrade
  BOOST_TEST(run(server, j.path, {g}).size() == 1u);
  BOOST_TEST(server.submits[g.target.files[0]] == 0);
  expect_rows(server, 10);
}

BOOST_AUTO_TEST_CASE(scheduler_resubmits_a_failed_job_of_an_earlier_run_and_reports_its_own) {
  ModelServer server("v2.6.3");
  TempPath j;
  auto g = group("g0", 10);
  server.rows_of[g.target.files[0]] = 10;
  server.fail_next = true;
  BOOST_CHECK_THROW(run(server, j.path, {g}), Error);  // this run's job failed: reported
  BOOST_TEST(run(server, j.path, {g}).size() == 1u);   // the rerun imports it again, once
  BOOST_TEST(server.submits[g.target.files[0]] == 2);
  expect_rows(server, 10);
}

BOOST_AUTO_TEST_CASE(scheduler_reports_a_stall_but_waits_out_index_building) {
  for (bool indexing : {false, true}) {
    ModelServer server("v2.6.3");
    TempPath j;
    auto g = group("g0", 10);
    server.rows_of[g.target.files[0]] = 10;
    server.stuck_at = indexing ? 85 : 55;
    server.indexed = indexing;
    auto clock = std::chrono::steady_clock::now();
    SchedulerOptions o = fast();
    o.stall_timeout_seconds = 10;
    int polls = 0;
    o.now = [&] { return clock; };
    o.sleep = [&](double) {
      clock += std::chrono::seconds(1);
      if (++polls == 30) server.stuck_at = -1;  // the index is built
    };
    if (indexing) {
      BOOST_TEST(run(server, j.path, {g}, o).size() == 1u);
    } else {
      try {
        run(server, j.path, {g}, o);
        BOOST_FAIL("no stall reported");
      } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("made no progress for 10 s at 55%") != std::string::npos, e.what());
      }
    }
  }
}
