// A Milvus 2.x client over gRPC for the calls a migration needs: connect, schema, partitions,
// import, statistics, index, load and query. Every failure is an mm::Error naming the server,
// the call and the collection; credentials never appear in messages.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "milvus.grpc.pb.h"

namespace mm::milvus2x {

struct ConnectOptions {
  std::string address;   // host:port, or http(s)://host:port (https turns TLS on)
  std::string user;      // with password: the "authorization" header; empty: no auth
  std::string password;  // from a config file or the environment, never a flag
  std::string token;     // an API key, used instead of user/password when set
  std::string database;  // empty: the default database
  bool tls = false;
  std::string ca_file, cert_file, key_file;  // cert+key: mutual TLS
  std::string server_name;                   // overrides the name checked in the server's certificate
  int timeout_seconds = 60;                  // per call
};

// The server's host:port, and whether it is reached over TLS (an https:// address or certificates).
std::string host_port(const ConnectOptions& options, bool* tls);

enum class VectorType { Float, Binary };

struct FieldInfo {
  std::string name;
  int data_type = 0;  // schema.DataType
  bool primary = false, auto_id = false;
  bool partition_key = false, nullable = false;
  int64_t dim = 0;
};

struct ImportProgress {
  // Unknown: the server does not know the id (2.4.5+: status code 2100).
  enum class State { Running, Completed, Failed, Unknown } state = State::Running;
  bool pending = false;  // queued, not started yet
  int64_t rows = 0;
  int percent = 0;
  std::string failed_reason;
  std::string files;  // comma-joined, as the server reports them
  std::string partition;
  int64_t id = 0;
  std::vector<int64_t> segments;  // the segments the task wrote (or began to write)
};

// A segment as datacoord keeps it (GetPersistentSegmentInfo).
struct SegmentInfo {
  int64_t id = 0, partition_id = 0, rows = 0;
  int state = 0;  // common.SegmentState: 1 NotExist, 2 Growing, 3 Sealed, 4 Flushed, 5 Flushing, 6 Dropped, 7 Importing
  // Counted by the row-count statistics (datacoord drops nothing else from them).
  bool counted() const { return state != 0 && state != 1 && state != 6; }
};

class Client {
 public:
  explicit Client(const ConnectOptions& options);
  ~Client();

  const std::string& address() const { return options_.address; }
  std::string server_version();
  void ensure_database();  // creates options.database when it does not exist

  bool has_collection(const std::string& collection);
  std::vector<FieldInfo> describe_collection(const std::string& collection);
  void create_collection(const std::string& collection, const std::string& id_field, const std::string& vector_field,
                         VectorType type, int64_t dim, const std::string& description);
  bool has_partition(const std::string& collection, const std::string& partition);
  void create_partition(const std::string& collection, const std::string& partition);
  int64_t collection_rows(const std::string& collection);
  int64_t partition_rows(const std::string& collection, const std::string& partition);

  void drop_collection(const std::string& collection);
  // Seals and flushes the collection's segments and waits until they are flushed.
  void flush(const std::string& collection, int timeout_seconds);

  int64_t import(const std::string& collection, const std::string& partition, const std::vector<std::string>& files,
                 const std::vector<std::pair<std::string, std::string>>& options = {});
  ImportProgress import_state(int64_t task);
  std::vector<ImportProgress> list_imports(const std::string& collection);
  // segment id -> segment, for the collection's segments.
  std::map<int64_t, SegmentInfo> segments(const std::string& collection);

  void create_index(const std::string& collection, const std::string& field, const std::string& index_type,
                    const std::string& metric, const std::string& params_json);
  bool has_index(const std::string& collection, const std::string& field);
  // Waits until the index covers every row but `unindexable` ones (or fails).
  void wait_index(const std::string& collection, const std::string& field, int timeout_seconds, int64_t unindexable = 0);
  void load(const std::string& collection, int timeout_seconds);
  // Rows whose primary key is in `ids`: id -> vector bytes (float32 little-endian or packed bits).
  std::multimap<int64_t, std::string> query_vectors(const std::string& collection, const std::string& id_field,
                                                    const std::string& vector_field, const std::vector<int64_t>& ids);

 private:
  void prepare(grpc::ClientContext& context) const;
  // Every failed call's message starts "milvus ADDRESS: ".
  [[noreturn]] void failed(const std::string& what) const;
  [[noreturn]] void transport_failed(const char* call, const std::string& what, const grpc::Status& status) const;
  template <typename Response>
  void check(const char* call, const std::string& what, const grpc::Status& transport, const Response& response);

  ConnectOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<milvus::proto::milvus::MilvusService::Stub> stub_;
  bool answered_ = false;  // a call has succeeded: the TLS handshake works
};

}  // namespace mm::milvus2x
