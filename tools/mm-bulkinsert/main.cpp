// mm-bulkinsert: creates collections and partitions in Milvus 2.x, imports each group once, verifies.
#include <cstdlib>
#include <fstream>

#include "../cli/cli.hpp"
#include "../cli/milvus_cli.hpp"
#include "../cli/store_cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "milvus1x/names.hpp"
#include "milvus2x/bulk_import.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::milvus2x;

namespace {

int run(int argc, char** argv) {
  cxxopts::Options options("mm-bulkinsert", "Create the collections and partitions of MANIFEST (default: stdin) in Milvus 2.x, import each group once with the Import RPC, wait, and verify every partition's row count. Other records pass through.");
  cli::add_milvus_options(options);
  options.add_options("Import")
    ("id-field", "2.x primary key field name", cxxopts::value<std::string>()->default_value("id"), "NAME")
    ("vector-field", "2.x vector field name", cxxopts::value<std::string>()->default_value("data"), "NAME")
    ("j,jobs", "imports in flight at once", cxxopts::value<unsigned>()->default_value("2"), "N")
    ("journal", "import journal: what was submitted, so a rerun never imports a group twice", cxxopts::value<std::string>()->default_value("mm-bulkinsert.journal"), "PATH")
    ("poll-interval", "seconds between import state checks", cxxopts::value<double>()->default_value("2"), "S")
    ("stall-timeout", "fail an import that makes no progress for this many seconds (2.4+: also the job's own timeout)", cxxopts::value<int>()->default_value("3600"), "S")
    ("server-version", "treat the server as this Milvus version (when it reports none that can be read, e.g. a custom build)", cxxopts::value<std::string>()->default_value(""), "X.Y.Z")
    ("no-probe", "skip the probe: before the first import, a tiny group written where mm-upload's \"store\" record says and imported into a throw-away collection, to prove Milvus reads that bucket and prefix")
    ("create-index", "build the 2.x index nearest to each collection's 1.x index")
    ("load", "load each collection (needs an index)")
    ("verify-sample", "read N random rows per collection back by id and compare them bit-exactly with the source files (implies --load)", cxxopts::value<unsigned>()->default_value("0"), "N");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;

  ConnectOptions connect = cli::milvus_options_from(result);

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
  // The probe writes with the same credentials as mm-upload: from the environment.
  if (!result.count("no-probe"))
    import.open_probe_store = [&result](const storage::StoreSpec& spec) {
      return storage::open_store(spec, cli::store_secrets(spec, result));
    };

  Client client(connect);
  const std::string reported = client.server_version(), forced = result["server-version"].as<std::string>();
  auto version = parse_server_version(forced.empty() ? reported : forced);
  if (!version && !forced.empty()) bad_usage("--server-version: \"" + forced + "\" is not a version like 2.6.3");
  if (!version)
    fail("milvus " + connect.address + ": the server reports version \"" + reported +
         "\", which is not a release number; give --server-version with the Milvus release it is built from");
  ServerRules rules = rules_for(*version);
  log_info("connected to Milvus " + reported + " at " + connect.address + (forced.empty() ? "" : ", treated as " + forced) + " (" +
           (rules.jobs() ? "import jobs, 2.4+" : "import tasks, 2.2/2.3") + ")");
  client.ensure_database();
  ImportJournal journal(result["journal"].as<std::string>());
  journal.check_target(connect.address, connect.database);
  if (!journal.server_version().empty() && journal.server_version() != version->text)
    log_info("the journal " + journal.path() + " was written against Milvus " + journal.server_version() + "; the server is now " +
             version->text + ": its jobs are checked again before anything is imported twice");
  journal.note_server_version(version->text);
  ManifestReader in(result["manifest"].as<std::string>());
  ManifestWriter out;
  Progress progress("imported", 0, 0);
  BulkImporter importer(client, rules, connect, journal, out, import, progress);
  rapidjson::Document record;
  while (in.next(record)) at_record(in, [&] { importer.consume(record, in.line()); });
  importer.finish();
  progress.finish();
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-bulkinsert", [&] { return run(argc, argv); });
}
