// mm-manifest: what mm-run and mm-fanout need to know about a manifest, read through the typed
// records (common/records/) instead of being re-derived in jq.
#include <cstring>
#include <iostream>

#include "../cli/cli.hpp"
#include "subcommands.hpp"
#include "tool_main.hpp"

using namespace mm;

namespace {

const char* kUsage =
    "Usage: mm-manifest SUBCOMMAND [OPTION...] [MANIFEST]\n"
    "Read a milvus-mm manifest (man 5 mm-manifest) through its typed records.\n"
    "\n"
    "Subcommands:\n"
    "  merge    pass every record through, the summaries of each tool added up into one at the end\n"
    "  select   only the records of some collections (--collections A,B)\n"
    "  report   mm-run's report.json from the plan, unflushed and mm-bulkinsert summary records\n"
    "  table    plan or verify records as an aligned table, for people\n"
    "  totals   rows, bytes and groups of the plan records, the totals mm-progress draws against\n"
    "\n"
    "mm-manifest SUBCOMMAND --help describes each. MANIFEST is a file; without it, or with -,\n"
    "standard input is read.\n";

int run(int argc, char** argv) {
  if (argc < 2) bad_usage("a SUBCOMMAND is required: merge, select, report, table or totals (see mm-manifest --help)");
  const std::string sub = argv[1];
  if (sub == "-h" || sub == "--help") {
    std::cout << kUsage << "\nExit status:\n" << cli::kCommonExitCodes;
    return kExitOk;
  }
  if (sub == "--version") {
    std::cout << "mm-manifest (milvus-mm) " << MM_VERSION << "\n";
    return kExitOk;
  }
  if (sub == "merge") return manifest_cmd::merge(argc - 1, argv + 1);
  if (sub == "select") return manifest_cmd::select(argc - 1, argv + 1);
  if (sub == "report") return manifest_cmd::report(argc - 1, argv + 1);
  if (sub == "table") return manifest_cmd::table(argc - 1, argv + 1);
  if (sub == "totals") return manifest_cmd::totals(argc - 1, argv + 1);
  bad_usage("unknown subcommand \"" + sub + "\" (merge, select, report, table or totals)");
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-manifest", [&] { return run(argc, argv); });
}
