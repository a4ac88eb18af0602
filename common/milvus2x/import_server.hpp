// The server as the import scheduler sees it: submit a group, ask how its job is doing, find the
// job of a group whose id was never journaled, count a partition's rows. GrpcImportServer speaks
// to a real Milvus; the unit tests put an in-memory model behind the same interface.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "milvus2x/server_rules.hpp"

namespace mm::milvus2x {

struct GroupFiles {
  std::string collection, partition;
  std::vector<std::string> files;  // as the server opens them: object keys or absolute paths
};

struct JobStatus {
  // Unknown: the server does not know the id (never existed, forgotten after its retention, or a
  // task id of another server version).
  enum class State { Running, Completed, Failed, Unknown } state = State::Running;
  bool pending = false;  // queued, not started
  int percent = 0;
  int64_t rows = 0;
  std::string reason;             // why it failed
  std::vector<int64_t> segments;  // 2.2/2.3: the segments a task wrote (or began to write)
};

struct FoundJob {
  int64_t id = 0;
  JobStatus status;
};

struct FindResult {
  std::vector<FoundJob> jobs;  // every job the server has for exactly these files
  std::string unavailable;     // non-empty: the server could not be searched, and why
};

class ImportServer {
 public:
  virtual ~ImportServer() = default;
  virtual const ServerRules& rules() const = 0;
  virtual const std::string& address() const = 0;
  // The job id. timeout_seconds > 0: the server fails the job after that long (2.4+ only).
  virtual int64_t submit(const GroupFiles& group, int timeout_seconds) = 0;
  virtual JobStatus status(int64_t job) = 0;
  virtual FindResult find(const GroupFiles& group) = 0;
  // The partition's row count after a flush.
  virtual int64_t flushed_rows(const std::string& collection, const std::string& partition) = 0;
  virtual bool has_index(const std::string& collection) = 0;
};

}  // namespace mm::milvus2x
