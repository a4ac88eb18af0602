// The import jobs of a Milvus 2.4+ server through its REST API, served on the gRPC port:
// POST /v2/vectordb/jobs/import/list and /describe. Unlike ListImportTasks, these name each job
// and its files, so a job whose id never reached the journal can be found again. Same address,
// credentials and TLS settings as the gRPC connection.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "milvus2x/client.hpp"

namespace mm::storage {
class HttpClient;
}

namespace mm::milvus2x {

struct RestJob {
  std::string id, collection, state;  // state: Pending, PreImporting, Importing, …, Completed, Failed
  int progress = 0;
  std::string reason;
  // Each file group as the server names it: "[a/id.npy a/data.npy]".
  std::vector<std::string> file_groups;
};

class RestJobs {
 public:
  explicit RestJobs(const ConnectOptions& options);
  ~RestJobs();
  // The jobs of the collection (ids, states; no files). Fails (mm::Error) when the server cannot
  // be reached or answers with an error.
  std::vector<RestJob> list(const std::string& collection);
  // One job with its file groups.
  RestJob describe(const std::string& id);

 private:
  std::string post(const std::string& action, const std::string& body, const std::string& what);

  std::string base_url_, database_;
  std::vector<std::string> headers_;
  std::unique_ptr<storage::HttpClient> http_;
};

// The name the server gives a group of files in `describe`: "[a b]".
std::string rest_file_group(const std::vector<std::string>& files);

}  // namespace mm::milvus2x
