// mm-bulkinsert: creates collections and partitions in Milvus 2.x, imports each group once, verifies.
#include <cstdlib>
#include <fstream>

#include "../common/cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "milvus1x/names.hpp"
#include "milvus2x/bulk_import.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::milvus2x;

namespace {

std::string secret_from(const char* env, const std::string& file) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) fail(file + ": cannot read the password file");
    std::string secret;
    std::getline(in, secret);
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    return secret;
  }
  const char* value = std::getenv(env);
  return value ? value : "";
}

int run(int argc, char** argv) {
  // gRPC logs to stderr on its own (TLS handshakes, reconnects); our one error line says what failed.
  // Set before gRPC initialises; a GRPC_VERBOSITY the user set wins.
  setenv("GRPC_VERBOSITY", "NONE", 0);
  cxxopts::Options options("mm-bulkinsert", "Create the collections and partitions of MANIFEST (default: stdin) in Milvus 2.x, import each group once with the Import RPC, wait, and verify every partition's row count. Other records pass through.");
  options.add_options("Server")
    ("address", "Milvus 2.x: host:port or http(s)://host:port", cxxopts::value<std::string>()->default_value("localhost:19530"), "ADDR")
    ("user", "user name (the password comes from MM_MILVUS_PASSWORD or --password-file; an API key from MM_MILVUS_TOKEN)", cxxopts::value<std::string>()->default_value(""), "NAME")
    ("password-file", "file whose first line is the password", cxxopts::value<std::string>()->default_value(""), "PATH")
    ("database", "target database, created when missing", cxxopts::value<std::string>()->default_value(""), "NAME")
    ("tls", "use TLS (also implied by an https:// address)")
    ("ca-file", "CA certificate(s) to verify the server with", cxxopts::value<std::string>()->default_value(""), "PATH")
    ("cert-file", "client certificate, for mutual TLS", cxxopts::value<std::string>()->default_value(""), "PATH")
    ("key-file", "client key, for mutual TLS", cxxopts::value<std::string>()->default_value(""), "PATH")
    ("server-name", "name to check in the server's certificate", cxxopts::value<std::string>()->default_value(""), "NAME")
    ("timeout", "seconds to wait for one call", cxxopts::value<int>()->default_value("60"), "S");
  options.add_options("Import")
    ("id-field", "2.x primary key field name", cxxopts::value<std::string>()->default_value("id"), "NAME")
    ("vector-field", "2.x vector field name", cxxopts::value<std::string>()->default_value("data"), "NAME")
    ("j,jobs", "imports in flight at once", cxxopts::value<unsigned>()->default_value("2"), "N")
    ("journal", "import journal: what was submitted, so a rerun never imports a group twice", cxxopts::value<std::string>()->default_value("mm-bulkinsert.journal"), "PATH")
    ("poll-interval", "seconds between import state checks", cxxopts::value<double>()->default_value("2"), "S")
    ("stall-timeout", "fail an import that makes no progress for this many seconds", cxxopts::value<int>()->default_value("3600"), "S")
    ("create-index", "build the 2.x index nearest to each collection's 1.x index")
    ("load", "load each collection (needs an index)")
    ("verify-sample", "read N random rows per collection back by id and compare them bit-exactly with the source files (implies --load)", cxxopts::value<unsigned>()->default_value("0"), "N");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;

  ConnectOptions connect;
  connect.address = result["address"].as<std::string>();
  connect.user = result["user"].as<std::string>();
  connect.password = secret_from("MM_MILVUS_PASSWORD", result["password-file"].as<std::string>());
  if (const char* token = std::getenv("MM_MILVUS_TOKEN")) connect.token = token;
  connect.database = result["database"].as<std::string>();
  connect.tls = result.count("tls") > 0;
  connect.ca_file = result["ca-file"].as<std::string>();
  connect.cert_file = result["cert-file"].as<std::string>();
  connect.key_file = result["key-file"].as<std::string>();
  connect.server_name = result["server-name"].as<std::string>();
  connect.timeout_seconds = result["timeout"].as<int>();
  if (connect.cert_file.empty() != connect.key_file.empty()) bad_usage("--cert-file and --key-file go together");

  ImportOptions import;
  import.id_field = result["id-field"].as<std::string>();
  import.vector_field = result["vector-field"].as<std::string>();
  for (const auto& name : {import.id_field, import.vector_field})
    if (!milvus1x::is_valid_2x_name(name)) bad_usage("\"" + name + "\" is not a valid Milvus 2.x field name");
  if (import.id_field == import.vector_field) bad_usage("--id-field and --vector-field must differ");
  import.in_flight = result["jobs"].as<unsigned>();
  import.poll_seconds = result["poll-interval"].as<double>();
  import.stall_timeout_seconds = result["stall-timeout"].as<int>();
  if (import.in_flight == 0) bad_usage("--jobs: at least 1");
  if (import.poll_seconds <= 0 || import.stall_timeout_seconds <= 0 || connect.timeout_seconds <= 0)
    bad_usage("--poll-interval, --stall-timeout and --timeout must be positive");
  import.create_index = result.count("create-index") > 0;
  import.verify_sample = result["verify-sample"].as<unsigned>();
  import.load = result.count("load") > 0 || import.verify_sample > 0;

  Client client(connect);
  log_info("connected to Milvus " + client.server_version() + " at " + connect.address);
  client.ensure_database();
  ImportJournal journal(result["journal"].as<std::string>());
  journal.check_target(connect.address, connect.database);
  ManifestReader in(result["manifest"].as<std::string>());
  ManifestWriter out;
  Progress progress("imported", 0, 0);
  BulkImporter importer(client, journal, out, import, progress);
  rapidjson::Document record;
  while (in.next(record)) importer.consume(record, in.line());
  importer.finish();
  progress.finish();
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-bulkinsert", [&] { return run(argc, argv); });
}
