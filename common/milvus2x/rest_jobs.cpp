#include "milvus2x/rest_jobs.hpp"

#include <rapidjson/document.h>

#include "errors.hpp"
#include "manifest.hpp"
#include "storage/http.hpp"

namespace mm::milvus2x {
namespace {

std::string json_string(const std::string& text) {
  rapidjson::Value v(text.c_str(), rapidjson::SizeType(text.size()));
  return to_json(v);
}

// Job ids are int64: the server writes them as strings, older builds as numbers.
std::string id_text(const rapidjson::Value& v) {
  if (v.IsString()) return v.GetString();
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  return "";
}

std::string string_member(const rapidjson::Value& o, const char* name) {
  auto it = o.FindMember(name);
  return it != o.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

int int_member(const rapidjson::Value& o, const char* name) {
  auto it = o.FindMember(name);
  return it != o.MemberEnd() && it->value.IsInt() ? it->value.GetInt() : 0;
}

RestJob job_of(const rapidjson::Value& o) {
  RestJob job;
  if (auto it = o.FindMember("jobId"); it != o.MemberEnd()) job.id = id_text(it->value);
  job.collection = string_member(o, "collectionName");
  job.state = string_member(o, "state");
  job.progress = int_member(o, "progress");
  job.reason = string_member(o, "reason");
  if (auto it = o.FindMember("details"); it != o.MemberEnd() && it->value.IsArray())
    for (const auto& d : it->value.GetArray())
      if (d.IsObject()) job.file_groups.push_back(string_member(d, "fileName"));
  return job;
}

}  // namespace

std::string rest_file_group(const std::vector<std::string>& files) {
  std::string name = "[";
  for (const auto& f : files) name += (name.size() > 1 ? " " : "") + f;
  return name + "]";
}

RestJobs::RestJobs(const ConnectOptions& options) : database_(options.database) {
  bool tls = false;
  std::string address = host_port(options, &tls);
  storage::HttpOptions http;
  http.ca_file = options.ca_file;
  http.cert_file = options.cert_file;
  http.key_file = options.key_file;
  http.retry.retries = 2;  // a dead REST endpoint is reported within seconds, not minutes
  std::string host = address;
  if (!options.server_name.empty()) {
    // The certificate names server_name: ask for it, and connect to the address.
    std::string port = address.substr(address.rfind(':') + 1);
    host = options.server_name + ":" + port;
    http.connect_to = host + ":" + address;
  }
  base_url_ = std::string(tls ? "https://" : "http://") + host + "/v2/vectordb/jobs/import/";
  headers_ = {"Content-Type: application/json", "Accept: application/json"};
  std::string secret = !options.token.empty() ? options.token : options.user.empty() ? "" : options.user + ":" + options.password;
  if (!secret.empty()) {
    headers_.push_back("Authorization: Bearer " + secret);
    http.secrets = {secret, options.password, options.token};
  }
  http_ = std::make_unique<storage::HttpClient>(http);
}

RestJobs::~RestJobs() = default;

std::string RestJobs::post(const std::string& action, const std::string& body, const std::string& what) {
  storage::HttpRequest request;
  request.method = "POST";
  request.url = base_url_ + action;
  request.headers = headers_;
  request.text = body;
  const std::string where = "REST " + action + " " + what;
  storage::HttpResponse response = http_->send(request, where);
  rapidjson::Document d;
  if (response.status != 200 || !parse_json(d, response.body) || !d.IsObject())
    fail(where + ": HTTP " + std::to_string(response.status) + (response.status == 404 ? " (no REST API here: Milvus 2.4 or later serves it)" : ""));
  auto code = d.FindMember("code");
  if (code == d.MemberEnd() || !code->value.IsInt()) fail(where + ": no \"code\" in the answer");
  // 2.4+ answer 0 on success (older REST handlers 200).
  if (code->value.GetInt() != 0 && code->value.GetInt() != 200)
    fail(where + ": " + string_member(d, "message") + " (code " + std::to_string(code->value.GetInt()) + ")");
  return response.body;
}

std::vector<RestJob> RestJobs::list(const std::string& collection) {
  std::string body = "{\"dbName\":" + json_string(database_.empty() ? "default" : database_) +
                     ",\"collectionName\":" + json_string(collection) + "}";
  rapidjson::Document d;
  parse_json(d, post("list", body, collection));  // checked by post
  std::vector<RestJob> jobs;
  auto data = d.FindMember("data");
  if (data == d.MemberEnd() || !data->value.IsObject()) return jobs;
  auto records = data->value.FindMember("records");
  if (records == data->value.MemberEnd() || !records->value.IsArray()) return jobs;
  for (const auto& r : records->value.GetArray())
    if (r.IsObject()) jobs.push_back(job_of(r));
  return jobs;
}

RestJob RestJobs::describe(const std::string& id) {
  std::string body = "{\"dbName\":" + json_string(database_.empty() ? "default" : database_) + ",\"jobId\":" + json_string(id) + "}";
  rapidjson::Document d;
  parse_json(d, post("describe", body, "job " + id));  // checked by post
  auto data = d.FindMember("data");
  if (data == d.MemberEnd() || !data->value.IsObject()) fail("REST describe job " + id + ": no \"data\" in the answer");
  RestJob job = job_of(data->value);
  if (job.id.empty()) job.id = id;
  return job;
}

}  // namespace mm::milvus2x
