// mm-manifest totals: what the whole plan amounts to, for mm-progress --totals.
#include "../cli/cli.hpp"
#include "manifest.hpp"
#include "records/plan.hpp"
#include "subcommands.hpp"

namespace mm::manifest_cmd {

int totals(int argc, char** argv) {
  cxxopts::Options options("mm-manifest totals", "Print one JSON object with the rows, bytes and groups of all plan records (from mm-npy's plan) of MANIFEST: the totals mm-progress draws its bars against.");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  records::PartitionPlan total;
  ManifestReader in((*parsed)["manifest"].as<std::string>());
  rapidjson::Document record;
  while (in.next(record)) {
    at_record(in, [&] {
      if (std::string(kind_of(record)) != "plan") return;
      total += records::read_plan(record);
    });
  }
  ManifestWriter out;
  out.write_line("{\"rows\":" + std::to_string(total.live) + ",\"bytes\":" + std::to_string(total.bytes) + ",\"groups\":" +
                 std::to_string(total.groups) + "}");
  return kExitOk;
}

}  // namespace mm::manifest_cmd
