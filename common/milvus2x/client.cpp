#include "milvus2x/client.hpp"

#include <algorithm>
#include <cstring>
#include <chrono>
#include <limits>
#include <fstream>
#include <sstream>
#include <thread>


#include "errors.hpp"
#include "storage/crypto.hpp"

namespace pb = milvus::proto;

namespace mm::milvus2x {
namespace {

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path + ": cannot read " + what);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool status_ok(const pb::common::Status& s) { return s.error_code() == 0 && s.code() == 0; }

std::string status_text(const pb::common::Status& s) {
  std::string reason = s.reason().empty() ? s.detail() : s.reason();
  return reason + " (code " + std::to_string(s.code() ? s.code() : int(s.error_code())) + ")";
}

const pb::common::Status& status_of(const pb::common::Status& s) { return s; }
template <typename Response>
const pb::common::Status& status_of(const Response& r) {
  return r.status();
}

std::string kv(const google::protobuf::RepeatedPtrField<pb::common::KeyValuePair>& pairs, const std::string& key) {
  for (const auto& p : pairs)
    if (p.key() == key) return p.value();
  return "";
}

int64_t parse_rows(const std::string& text, const std::string& what) {
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    fail(what + ": the server reported row_count \"" + text + "\"");
  }
}

}  // namespace

// "http://host:port" and "https://host:port" are accepted as well as "host:port".
std::string host_port(const ConnectOptions& o, bool* tls) {
  std::string address = o.address;
  *tls = o.tls || !o.ca_file.empty() || !o.cert_file.empty();  // certificates only make sense over TLS
  for (const char* scheme : {"https://", "http://", "tcp://"})
    if (address.rfind(scheme, 0) == 0) {
      *tls = *tls || std::string(scheme) == "https://";
      address = address.substr(std::strlen(scheme));
    }
  if (!address.empty() && address.back() == '/') address.pop_back();
  if (address.find(':') == std::string::npos) address += ":19530";
  return address;
}

Client::Client(const ConnectOptions& options) : options_(options) {
  std::string target = host_port(options_, &options_.tls);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (options_.tls) {
    grpc::SslCredentialsOptions ssl;
    if (!options_.ca_file.empty()) ssl.pem_root_certs = read_file(options_.ca_file, "CA certificate");
    if (!options_.cert_file.empty()) ssl.pem_cert_chain = read_file(options_.cert_file, "client certificate");
    if (!options_.key_file.empty()) ssl.pem_private_key = read_file(options_.key_file, "client key");
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);  // query results carry vectors
  args.SetMaxSendMessageSize(64 << 20);
  if (!options_.server_name.empty()) args.SetSslTargetNameOverride(options_.server_name);
  channel_ = grpc::CreateCustomChannel(target, credentials, args);
  stub_ = pb::milvus::MilvusService::NewStub(channel_);
}

Client::~Client() = default;

void Client::failed(const std::string& what) const { fail("milvus " + options_.address + ": " + what); }

void Client::prepare(grpc::ClientContext& context) const {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(options_.timeout_seconds));
  if (!options_.token.empty())
    context.AddMetadata("authorization", storage::base64_encode(options_.token));
  else if (!options_.user.empty())
    context.AddMetadata("authorization", storage::base64_encode(options_.user + ":" + options_.password));
  if (!options_.database.empty()) context.AddMetadata("dbname", options_.database);
}

void Client::transport_failed(const char* call, const std::string& what, const grpc::Status& status) const {
  std::string message = std::string(call) + (what.empty() ? "" : " " + what) + ": ";
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE: message += "server unavailable: "; break;
    case grpc::StatusCode::DEADLINE_EXCEEDED: message += "no answer in " + std::to_string(options_.timeout_seconds) + " s: "; break;
    case grpc::StatusCode::UNAUTHENTICATED: message += "authentication failed: "; break;
    case grpc::StatusCode::UNIMPLEMENTED: message += "not supported by this server: "; break;
    default: break;
  }
  message += status.error_message();
  // Before any answer over TLS, "unavailable" is most often a certificate the other side refused.
  if (options_.tls && !answered_ && status.error_code() == grpc::StatusCode::UNAVAILABLE)
    message += " (TLS: the certificate of " + options_.address + " must be signed by a CA in " +
               (options_.ca_file.empty() ? "gRPC's default roots (or give --ca-file)" : "--ca-file " + options_.ca_file) +
               " and name " + (options_.server_name.empty() ? "its host (or give --server-name)" : "--server-name " + options_.server_name) +
               (options_.cert_file.empty() ? "; a server that wants a client certificate needs --cert-file/--key-file)"
                                           : "; the server must accept the client certificate in --cert-file " + options_.cert_file + ")");
  failed(message);
}

template <typename Response>
void Client::check(const char* call, const std::string& what, const grpc::Status& transport, const Response& response) {
  if (!transport.ok()) transport_failed(call, what, transport);
  answered_ = true;
  const auto& status = status_of(response);
  if (!status_ok(status))
    failed(call + (what.empty() ? "" : " " + what) + ": " + status_text(status));
}

#define MM_CALL(Method, what, request, response)     \
  do {                                               \
    grpc::ClientContext context;                     \
    prepare(context);                                \
    auto transport = stub_->Method(&context, request, &response); \
    check(#Method, what, transport, response);       \
  } while (0)

std::string Client::server_version() {
  pb::milvus::GetVersionRequest request;
  pb::milvus::GetVersionResponse response;
  MM_CALL(GetVersion, "", request, response);
  return response.version();
}

void Client::ensure_database() {
  if (options_.database.empty() || options_.database == "default") return;
  pb::milvus::ListDatabasesRequest list;
  pb::milvus::ListDatabasesResponse names;
  ConnectOptions saved = options_;
  options_.database.clear();  // ask the server as a whole, not inside the missing database
  try {
    MM_CALL(ListDatabases, "", list, names);
    bool found = false;
    for (const auto& name : names.db_names()) found = found || name == saved.database;
    if (!found) {
      pb::milvus::CreateDatabaseRequest create;
      create.set_db_name(saved.database);
      pb::common::Status status;
      MM_CALL(CreateDatabase, saved.database, create, status);
    }
  } catch (...) {
    options_ = saved;
    throw;
  }
  options_ = saved;
}

bool Client::has_collection(const std::string& collection) {
  pb::milvus::HasCollectionRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  pb::milvus::BoolResponse response;
  MM_CALL(HasCollection, collection, request, response);
  return response.value();
}

std::vector<FieldInfo> Client::describe_collection(const std::string& collection) {
  pb::milvus::DescribeCollectionRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  pb::milvus::DescribeCollectionResponse response;
  MM_CALL(DescribeCollection, collection, request, response);
  std::vector<FieldInfo> fields;
  for (const auto& f : response.schema().fields()) {
    FieldInfo info;
    info.name = f.name();
    info.data_type = f.data_type();
    info.primary = f.is_primary_key();
    info.auto_id = f.autoid();
    info.partition_key = f.is_partition_key();
    info.nullable = f.nullable();
    std::string dim = kv(f.type_params(), "dim");
    info.dim = dim.empty() ? 0 : std::stoll(dim);
    fields.push_back(info);
  }
  return fields;
}

void Client::create_collection(const std::string& collection, const std::string& id_field, const std::string& vector_field,
                               VectorType type, int64_t dim, const std::string& description) {
  pb::schema::CollectionSchema schema;
  schema.set_name(collection);
  schema.set_description(description);
  auto* id = schema.add_fields();
  id->set_name(id_field);
  id->set_is_primary_key(true);
  id->set_autoid(false);  // keep the 1.x ids
  id->set_data_type(pb::schema::Int64);
  auto* vec = schema.add_fields();
  vec->set_name(vector_field);
  vec->set_data_type(type == VectorType::Binary ? pb::schema::BinaryVector : pb::schema::FloatVector);
  auto* dim_param = vec->add_type_params();
  dim_param->set_key("dim");
  dim_param->set_value(std::to_string(dim));

  pb::milvus::CreateCollectionRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  request.set_schema(schema.SerializeAsString());
  request.set_consistency_level(pb::common::Bounded);
  pb::common::Status status;
  MM_CALL(CreateCollection, collection, request, status);
}

bool Client::has_partition(const std::string& collection, const std::string& partition) {
  pb::milvus::HasPartitionRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  request.set_partition_name(partition);
  pb::milvus::BoolResponse response;
  MM_CALL(HasPartition, collection + "/" + partition, request, response);
  return response.value();
}

void Client::create_partition(const std::string& collection, const std::string& partition) {
  pb::milvus::CreatePartitionRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  request.set_partition_name(partition);
  pb::common::Status status;
  MM_CALL(CreatePartition, collection + "/" + partition, request, status);
}

int64_t Client::collection_rows(const std::string& collection) {
  pb::milvus::GetCollectionStatisticsRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  pb::milvus::GetCollectionStatisticsResponse response;
  MM_CALL(GetCollectionStatistics, collection, request, response);
  return parse_rows(kv(response.stats(), "row_count"), collection);
}

int64_t Client::partition_rows(const std::string& collection, const std::string& partition) {
  pb::milvus::GetPartitionStatisticsRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  request.set_partition_name(partition);
  pb::milvus::GetPartitionStatisticsResponse response;
  MM_CALL(GetPartitionStatistics, collection + "/" + partition, request, response);
  return parse_rows(kv(response.stats(), "row_count"), collection + "/" + partition);
}

void Client::drop_collection(const std::string& collection) {
  pb::milvus::DropCollectionRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  pb::common::Status status;
  MM_CALL(DropCollection, collection, request, status);
}

void Client::flush(const std::string& collection, int timeout_seconds) {
  pb::milvus::FlushRequest request;
  request.set_db_name(options_.database);
  request.add_collection_names(collection);
  pb::milvus::FlushResponse response;
  MM_CALL(Flush, collection, request, response);
  pb::milvus::GetFlushStateRequest state_request;
  state_request.set_db_name(options_.database);
  state_request.set_collection_name(collection);
  if (auto it = response.coll_segids().find(collection); it != response.coll_segids().end())
    state_request.mutable_segmentids()->CopyFrom(it->second.data());
  if (auto it = response.coll_flush_ts().find(collection); it != response.coll_flush_ts().end()) state_request.set_flush_ts(it->second);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  for (;;) {
    pb::milvus::GetFlushStateResponse state;
    MM_CALL(GetFlushState, collection, state_request, state);
    if (state.flushed()) return;
    if (std::chrono::steady_clock::now() > deadline)
      failed(collection + " not flushed after " + std::to_string(timeout_seconds) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

int64_t Client::import(const std::string& collection, const std::string& partition, const std::vector<std::string>& files,
                       const std::vector<std::pair<std::string, std::string>>& options) {
  pb::milvus::ImportRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  request.set_partition_name(partition);
  for (const auto& f : files) request.add_files(f);
  for (const auto& [key, value] : options) {
    auto* option = request.add_options();
    option->set_key(key);
    option->set_value(value);
  }
  pb::milvus::ImportResponse response;
  MM_CALL(Import, collection + "/" + partition, request, response);
  if (response.tasks_size() != 1)
    failed("Import " + collection + "/" + partition + ": expected one task id, got " +
         std::to_string(response.tasks_size()));
  return response.tasks(0);
}

namespace {
ImportProgress progress_of(const pb::milvus::GetImportStateResponse& r) {
  ImportProgress p;
  p.id = r.id();
  p.rows = r.row_count();
  p.failed_reason = kv(r.infos(), "failed_reason");
  p.files = kv(r.infos(), "files");
  p.partition = kv(r.infos(), "partition");
  p.segments.assign(r.segment_ids().begin(), r.segment_ids().end());
  std::string percent = kv(r.infos(), "progress_percent");
  p.percent = percent.empty() ? 0 : std::atoi(percent.c_str());
  switch (r.state()) {
    case pb::common::ImportCompleted: p.state = ImportProgress::State::Completed; p.percent = 100; break;
    case pb::common::ImportFailed:
    case pb::common::ImportFailedAndCleaned: p.state = ImportProgress::State::Failed; break;
    default:  // pending, started, persisted, flushed, unknown
      p.state = ImportProgress::State::Running;
      p.pending = r.state() == pb::common::ImportPending;
  }
  return p;
}
}  // namespace

ImportProgress Client::import_state(int64_t task) {
  pb::milvus::GetImportStateRequest request;
  request.set_task(task);
  pb::milvus::GetImportStateResponse response;
  grpc::ClientContext context;
  prepare(context);
  auto transport = stub_->GetImportState(&context, request, &response);
  // 2.4.5+ (milvus#33672): an id the server does not know, "import job does not exist".
  constexpr int kImportJobNotFound = 2100;
  if (transport.ok() && response.status().code() == kImportJobNotFound) {
    ImportProgress unknown;
    unknown.state = ImportProgress::State::Unknown;
    unknown.id = task;
    unknown.failed_reason = status_text(response.status());
    return unknown;
  }
  check("GetImportState", "task " + std::to_string(task), transport, response);
  ImportProgress p = progress_of(response);
  if (p.id == 0) p.id = task;
  return p;
}

std::vector<ImportProgress> Client::list_imports(const std::string& collection) {
  pb::milvus::ListImportTasksRequest request;
  request.set_collection_name(collection);
  request.set_db_name(options_.database);
  pb::milvus::ListImportTasksResponse response;
  MM_CALL(ListImportTasks, collection, request, response);
  std::vector<ImportProgress> tasks;
  for (const auto& t : response.tasks()) tasks.push_back(progress_of(t));
  return tasks;
}

std::map<int64_t, SegmentInfo> Client::segments(const std::string& collection) {
  pb::milvus::GetPersistentSegmentInfoRequest request;
  request.set_dbname(options_.database);
  request.set_collectionname(collection);
  pb::milvus::GetPersistentSegmentInfoResponse response;
  MM_CALL(GetPersistentSegmentInfo, collection, request, response);
  std::map<int64_t, SegmentInfo> found;
  for (const auto& info : response.infos())
    found[info.segmentid()] = SegmentInfo{info.segmentid(), info.partitionid(), info.num_rows(), int(info.state())};
  return found;
}

void Client::create_index(const std::string& collection, const std::string& field, const std::string& index_type,
                          const std::string& metric, const std::string& params_json) {
  pb::milvus::CreateIndexRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  request.set_field_name(field);
  for (auto [key, value] : {std::pair<std::string, std::string>{"index_type", index_type}, {"metric_type", metric}, {"params", params_json}}) {
    auto* p = request.add_extra_params();
    p->set_key(key);
    p->set_value(value);
  }
  pb::common::Status status;
  MM_CALL(CreateIndex, collection + "." + field, request, status);
}

bool Client::has_index(const std::string& collection, const std::string& field) {
  pb::milvus::DescribeIndexRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  request.set_field_name(field);
  pb::milvus::DescribeIndexResponse response;
  grpc::ClientContext context;
  prepare(context);
  auto transport = stub_->DescribeIndex(&context, request, &response);
  if (!transport.ok()) transport_failed("DescribeIndex", collection, transport);
  return status_ok(response.status()) && response.index_descriptions_size() > 0;
}

void Client::wait_index(const std::string& collection, const std::string& field, int timeout_seconds, int64_t unindexable) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  for (;;) {
    pb::milvus::DescribeIndexRequest request;
    request.set_db_name(options_.database);
    request.set_collection_name(collection);
    request.set_field_name(field);
    pb::milvus::DescribeIndexResponse response;
    MM_CALL(DescribeIndex, collection, request, response);
    bool done = response.index_descriptions_size() > 0;
    for (const auto& d : response.index_descriptions()) {
      if (d.state() == pb::common::Failed)
        failed("index on " + collection + "." + field + " failed: " + d.index_state_fail_reason());
      done = done && d.state() == pb::common::Finished && d.indexed_rows() + unindexable >= d.total_rows();
    }
    if (done) return;
    if (std::chrono::steady_clock::now() > deadline)
      failed("index on " + collection + "." + field + " not finished after " +
           std::to_string(timeout_seconds) + " s");
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

void Client::load(const std::string& collection, int timeout_seconds) {
  pb::milvus::LoadCollectionRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  request.set_replica_number(1);
  pb::common::Status status;
  MM_CALL(LoadCollection, collection, request, status);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  for (;;) {
    pb::milvus::GetLoadingProgressRequest progress_request;
    progress_request.set_db_name(options_.database);
    progress_request.set_collection_name(collection);
    pb::milvus::GetLoadingProgressResponse progress;
    MM_CALL(GetLoadingProgress, collection, progress_request, progress);
    if (progress.progress() >= 100) return;
    if (std::chrono::steady_clock::now() > deadline)
      failed(collection + " not loaded after " + std::to_string(timeout_seconds) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

std::multimap<int64_t, std::string> Client::query_vectors(const std::string& collection, const std::string& id_field,
                                                          const std::string& vector_field, const std::vector<int64_t>& ids) {
  pb::milvus::QueryRequest request;
  request.set_db_name(options_.database);
  request.set_collection_name(collection);
  // Milvus cannot parse -2^63 as a literal; a range reaches it.
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  std::string list, expr;
  for (int64_t id : ids)
    if (id != kMin) list += (list.empty() ? "" : ",") + std::to_string(id);
  if (!list.empty()) expr = id_field + " in [" + list + "]";
  if (std::find(ids.begin(), ids.end(), kMin) != ids.end())
    expr += (expr.empty() ? "" : " or ") + id_field + " < " + std::to_string(kMin + 1);
  request.set_expr(expr);
  request.add_output_fields(id_field);
  request.add_output_fields(vector_field);
  request.set_consistency_level(pb::common::Strong);
  request.set_use_default_consistency(false);
  pb::milvus::QueryResults response;
  MM_CALL(Query, collection, request, response);

  std::vector<int64_t> got_ids;
  std::vector<std::string> vectors;
  for (const auto& field : response.fields_data()) {
    if (field.field_name() == id_field) got_ids.assign(field.scalars().long_data().data().begin(), field.scalars().long_data().data().end());
    if (field.field_name() == vector_field) {
      const auto& v = field.vectors();
      if (v.has_float_vector()) {
        const auto& data = v.float_vector().data();
        size_t dim = size_t(v.dim());
        for (size_t row = 0; dim && row < size_t(data.size()) / dim; ++row)
          vectors.emplace_back(reinterpret_cast<const char*>(data.data() + row * dim), dim * sizeof(float));
      } else {
        const std::string& data = v.binary_vector();
        size_t bytes = size_t(v.dim() / 8);
        for (size_t row = 0; bytes && row < data.size() / bytes; ++row) vectors.push_back(data.substr(row * bytes, bytes));
      }
    }
  }
  if (got_ids.size() != vectors.size())
    failed("Query " + collection + ": " + std::to_string(got_ids.size()) + " ids but " +
         std::to_string(vectors.size()) + " vectors in the answer");
  std::multimap<int64_t, std::string> rows;
  for (size_t i = 0; i < got_ids.size(); ++i) rows.emplace(got_ids[i], std::move(vectors[i]));
  return rows;
}

}  // namespace mm::milvus2x
