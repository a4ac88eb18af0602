#include "milvus2x/grpc_import_server.hpp"

#include <algorithm>
#include <sstream>

#include "errors.hpp"

namespace mm::milvus2x {
namespace {

JobStatus status_of(const ImportProgress& p) {
  JobStatus s;
  switch (p.state) {
    case ImportProgress::State::Running: s.state = JobStatus::State::Running; break;
    case ImportProgress::State::Completed: s.state = JobStatus::State::Completed; break;
    case ImportProgress::State::Failed: s.state = JobStatus::State::Failed; break;
    case ImportProgress::State::Unknown: s.state = JobStatus::State::Unknown; break;
  }
  s.pending = p.pending;
  s.percent = p.percent;
  s.rows = p.rows;
  s.reason = p.failed_reason;
  s.segments = p.segments;
  return s;
}

std::set<std::string> split(const std::string& text, char separator) {
  std::set<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);)
    if (!part.empty()) parts.insert(part);
  return parts;
}

// The REST name of a file group, "[a b]", holds exactly these files.
bool same_files(const std::string& group, const std::vector<std::string>& files) {
  if (group == rest_file_group(files)) return true;
  if (group.size() < 2 || group.front() != '[' || group.back() != ']') return false;
  return split(group.substr(1, group.size() - 2), ' ') == std::set<std::string>(files.begin(), files.end());
}

}  // namespace

GrpcImportServer::GrpcImportServer(Client& client, ServerRules rules, ConnectOptions connect, std::string vector_field)
    : client_(client), rules_(std::move(rules)), connect_(std::move(connect)), vector_field_(std::move(vector_field)) {}

int64_t GrpcImportServer::submit(const GroupFiles& group, int timeout_seconds) {
  std::vector<std::pair<std::string, std::string>> options;
  if (timeout_seconds > 0 && rules_.takes_job_timeout()) options.emplace_back("timeout", std::to_string(timeout_seconds) + "s");
  return client_.import(group.collection, group.partition, group.files, options);
}

JobStatus GrpcImportServer::status(int64_t job) {
  JobStatus s = status_of(client_.import_state(job));
  // 2.4.0–2.4.4 answer an unknown id with a failed job of this reason (proxy convertToV1GetImportResponse).
  if (rules_.unknown_job_reads_as_failed() && s.state == JobStatus::State::Failed && s.reason == "unknown import job state")
    s.state = JobStatus::State::Unknown;
  if (rules_.jobs()) s.segments.clear();  // 2.4+ report none, and drop a failed job's segments themselves
  return s;
}

FindResult GrpcImportServer::find(const GroupFiles& group) {
  return rules_.lists_task_files() ? find_task(group) : find_job(group);
}

// 2.2/2.3: ListImportTasks names each task's files, comma-joined.
FindResult GrpcImportServer::find_task(const GroupFiles& group) {
  FindResult found;
  std::set<std::string> wanted(group.files.begin(), group.files.end());
  for (const auto& task : client_.list_imports(group.collection))
    if (split(task.files, ',') == wanted) found.jobs.push_back({task.id, status_of(task)});
  return found;
}

// 2.4+: ListImportTasks names neither ids nor files; REST list gives the ids, describe the files.
FindResult GrpcImportServer::find_job(const GroupFiles& group) {
  FindResult found;
  try {
    if (!rest_) rest_ = std::make_unique<RestJobs>(connect_);
    for (const auto& listed : rest_->list(group.collection)) {
      RestJob job = rest_->describe(listed.id);
      if (std::none_of(job.file_groups.begin(), job.file_groups.end(), [&](const std::string& g) { return same_files(g, group.files); }))
        continue;
      JobStatus s;
      s.state = job.state == "Completed" ? JobStatus::State::Completed
                : job.state == "Failed"  ? JobStatus::State::Failed
                                         : JobStatus::State::Running;
      s.percent = job.progress;
      s.reason = job.reason;
      try {
        found.jobs.push_back({std::stoll(job.id), s});
      } catch (const std::exception&) {
        fail("REST describe: job id \"" + job.id + "\" is not a number");
      }
    }
  } catch (const Error& e) {
    found.jobs.clear();
    found.unavailable = e.what();
  }
  return found;
}

int64_t GrpcImportServer::flushed_rows(const std::string& collection, const std::string& partition) {
  client_.flush(collection, 600);
  return client_.partition_rows(collection, partition);
}

bool GrpcImportServer::has_index(const std::string& collection) {
  if (indexed_.count(collection)) return true;
  if (!client_.has_index(collection, vector_field_)) return false;
  indexed_.insert(collection);
  return true;
}

}  // namespace mm::milvus2x
