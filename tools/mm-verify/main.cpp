// mm-verify: re-checks a finished migration against the 1.x files (mm-meta | mm-scan | mm-verify).
#include <sys/stat.h>

#include <memory>

#include "../cli/cli.hpp"
#include "../cli/milvus_cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "milvus2x/source_check.hpp"
#include "records/summary.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::milvus2x;

namespace {

void write_partition(ManifestWriter& out, const PartitionCheck& p) {
  out.write_line(records::to_json(records::VerifyPartition{p.collection, p.partition, p.tag, p.live, p.before, p.rows, p.ok()}));
}

int run(int argc, char** argv) {
  cxxopts::Options options("mm-verify", "Re-check a finished migration against the 1.x files: read mm-scan's records from MANIFEST (default: stdin), check that every collection is in Milvus 2.x with a compatible schema, that every partition holds its 1.x live rows (plus the rows it had before, from the import journal), and read random live rows of the 1.x .uid/.rv files back by id, bit-exact. Writes one verify record per partition and a summary.");
  cli::add_milvus_options(options);
  options.add_options("Check")
    ("id-field", "2.x primary key field name", cxxopts::value<std::string>()->default_value("id"), "NAME")
    ("vector-field", "2.x vector field name", cxxopts::value<std::string>()->default_value("data"), "NAME")
    ("journal", "mm-bulkinsert's import journal: the rows each partition had before the migration (without it: 0)", cxxopts::value<std::string>()->default_value(""), "PATH")
    ("sample", "random live rows per collection to read back from 2.x and compare with the 1.x files (loads the collection; 0: counts only)", cxxopts::value<unsigned>()->default_value("100"), "N");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;

  ConnectOptions connect = cli::milvus_options_from(result);
  SourceCheckOptions check;
  check.id_field = result["id-field"].as<std::string>();
  check.vector_field = result["vector-field"].as<std::string>();
  check.sample = result["sample"].as<unsigned>();
  std::string journal_path = result["journal"].as<std::string>();
  struct stat st;
  if (!journal_path.empty() && stat(journal_path.c_str(), &st) != 0)
    bad_usage("--journal " + journal_path + ": no such file");

  Client client(connect);
  log_info("connected to Milvus " + client.server_version() + " at " + connect.address);
  std::unique_ptr<ImportJournal> journal;
  if (!journal_path.empty()) {
    journal = std::make_unique<ImportJournal>(journal_path);
    journal->check_target(connect.address, connect.database);
  }
  SourceChecker checker(client, journal.get(), check);
  ManifestReader in(result["manifest"].as<std::string>());
  rapidjson::Document record;
  while (in.next(record)) at_record(in, [&] { checker.consume(record); });

  ManifestWriter out;
  auto partitions = checker.check_counts();
  uint64_t live = 0, matching = 0;
  for (const auto& p : partitions) {
    write_partition(out, p);
    live += p.live;
    matching += p.ok();
  }
  uint64_t sampled = checker.check_sample();
  std::vector<std::string> problems = checker.problems();
  // Success is only what was established: every partition checked and matched.
  if (partitions.empty())
    problems.push_back(in.where() + ": no collection or partition records, so nothing was verified (give mm-verify what mm-meta | mm-scan print)");
  const bool ok = problems.empty() && matching == partitions.size();
  out.write_line(records::to_json(records::VerifySummary{ok, partitions.size(), matching, live, sampled}));
  if (partitions.empty()) bad_data(problems.back());
  if (!ok && problems.empty()) problems.push_back(std::to_string(partitions.size() - matching) + " partitions do not match");
  if (!problems.empty())
    fail(problems.front() + (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more problems)" : ""));
  log_info(std::to_string(matching) + " partitions hold exactly their " + std::to_string(live) + " live 1.x rows; " +
           std::to_string(sampled) + " sampled rows read back bit-exact");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-verify", [&] { return run(argc, argv); });
}
