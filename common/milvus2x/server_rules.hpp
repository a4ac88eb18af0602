// What a Milvus server of a given version does with the legacy Import RPCs, as far as an
// exactly-once importer cares. 2.2 and 2.3 run import *tasks*; from 2.4 on the same RPCs wrap
// import v2 *jobs*, with other states, ids, retention and recovery facts
// (shared/research/milvus-2.4-3.0-targets.md, from internal/proxy/impl.go of 2.4 → 3.0).
#pragma once
#include <optional>
#include <string>

namespace mm::milvus2x {

struct ServerVersion {
  int major = 0, minor = 0, patch = 0;
  std::string text;  // as the server reported it, e.g. "v2.6.3"
  bool at_least(int ma, int mi, int pa = 0) const;
};

// "v2.4.5", "2.6.3", "v3.0.1-rc1", "2.3.5-dev" → the numbers; nothing when there are none.
std::optional<ServerVersion> parse_server_version(const std::string& text);

enum class ImportFamily {
  Tasks,  // 2.2, 2.3: rootcoord import tasks
  Jobs,   // 2.4+: import v2 jobs behind the v1 RPCs
};

struct ServerRules {
  ServerVersion version;
  ImportFamily family = ImportFamily::Tasks;

  // "Milvus 2.6.3", for messages: every hint names the version it applies to.
  std::string name() const;
  bool jobs() const { return family == ImportFamily::Jobs; }
  // What the server calls one import: "job" (2.4+) or "task" (2.2, 2.3).
  const char* import_noun() const { return jobs() ? "job" : "task"; }
  // ListImportTasks names each task's files, so a submitted task can be found again (2.2, 2.3).
  bool lists_task_files() const { return !jobs(); }
  // 2.4+ serve the import jobs over REST on the gRPC port (/v2/vectordb/jobs/import/...).
  bool serves_rest_jobs() const { return jobs(); }
  // An unknown job id reads as a failed job, reason "unknown import job state" (2.4.0–2.4.4);
  // from 2.4.5 (milvus#33672) it is a status error with code 2100.
  bool unknown_job_reads_as_failed() const { return jobs() && !version.at_least(2, 4, 5); }
  // Failed tasks leave segments the row-count statistics count until the server's cleanup pass
  // (2.2, 2.3); from 2.4 the server drops a failed job's segments itself.
  bool failed_imports_leave_segments() const { return !jobs(); }
  // The job option "timeout" ("3600s") is honoured (2.4+).
  bool takes_job_timeout() const { return jobs(); }
  // 2.5 rejects a NumPy import into a collection with any nullable field; 2.6 accepts it.
  bool rejects_numpy_with_nullable() const { return version.major == 2 && version.minor == 5; }
  // 3.0: two-phase import; Uncommitted/Committing report 99 %.
  bool has_commit_stage() const { return version.major >= 3; }

  // The stage a job reports at this percentage (2.4+: Pending 0–10, PreImporting 10–40,
  // Importing 40–70, Sorting 70–80, IndexBuilding 80–90, 3.0 committing 99, Completed 100;
  // 2.2/2.3: started, then persisted at 90).
  std::string stage(int percent, bool pending) const;
  // The stage waits for index building on a collection that already has an index (2.4+, with
  // the server's default waitForIndex): slow, not stalled.
  bool waits_for_index(int percent, bool has_index) const;
  // Why an import may sit at `percent` with no progress, for this version ("" when nothing
  // specific is known); begins with "; ".
  std::string stall_hint(int percent, bool has_index) const;
};

// Fails (kExitFailure) on servers older than 2.2, which have no usable Import RPC for NumPy.
ServerRules rules_for(const ServerVersion& version);

}  // namespace mm::milvus2x
