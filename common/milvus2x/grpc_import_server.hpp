// ImportServer over a real Milvus: the legacy Import RPCs over gRPC, and for 2.4+ the REST job
// API on the same port to find a job by its files.
#pragma once
#include <memory>
#include <set>

#include "milvus2x/client.hpp"
#include "milvus2x/import_server.hpp"
#include "milvus2x/rest_jobs.hpp"

namespace mm::milvus2x {

class GrpcImportServer : public ImportServer {
 public:
  // `connect`: for the REST API (2.4+), opened on first use. `vector_field`: whose index counts.
  GrpcImportServer(Client& client, ServerRules rules, ConnectOptions connect, std::string vector_field);

  const ServerRules& rules() const override { return rules_; }
  const std::string& address() const override { return client_.address(); }
  int64_t submit(const GroupFiles& group, int timeout_seconds) override;
  JobStatus status(int64_t job) override;
  FindResult find(const GroupFiles& group) override;
  int64_t flushed_rows(const std::string& collection, const std::string& partition) override;
  bool has_index(const std::string& collection) override;

 private:
  FindResult find_task(const GroupFiles& group);
  FindResult find_job(const GroupFiles& group);

  Client& client_;
  ServerRules rules_;
  ConnectOptions connect_;
  std::string vector_field_;
  std::unique_ptr<RestJobs> rest_;
  std::set<std::string> indexed_;  // collections seen with an index (an index is never dropped here)
};

}  // namespace mm::milvus2x
