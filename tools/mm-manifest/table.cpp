// mm-manifest table: plan and verify records as aligned tables, for people (mm-run plan, verify).
#include <iostream>

#include "../cli/cli.hpp"
#include "manifest.hpp"
#include "records/plan.hpp"
#include "records/summary.hpp"
#include "subcommands.hpp"
#include "table_text.hpp"

namespace mm::manifest_cmd {

int table(int argc, char** argv) {
  cxxopts::Options options("mm-manifest table", "Print the records of one kind of MANIFEST as a table: plan records (from mm-npy's plan) with a total row, even when there are none; verify records (mm-verify), nothing when there are none.");
  options.add_options("Table")
    ("kind", "plan or verify", cxxopts::value<std::string>()->default_value("plan"), "KIND");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const std::string want = (*parsed)["kind"].as<std::string>();
  if (want != "plan" && want != "verify") bad_usage("--kind: \"" + want + "\" is not plan or verify");
  TableText plan({"collection", "1.x tag", "2.x partition", "segments", "live rows", "bytes", "groups"});
  TableText verify({"collection", "2.x partition", "1.x tag", "1.x live", "before", "2.x rows", "verified"});
  records::PartitionPlan total;
  bool any_verify = false;
  ManifestReader in((*parsed)["manifest"].as<std::string>());
  rapidjson::Document record;
  while (in.next(record)) {
    at_record(in, [&] {
      const std::string kind = kind_of(record);
      if (kind != want) return;
      if (kind == "plan") {
        const auto p = records::read_plan(record);
        plan.row({p.collection, tag_or_dash(p.tag), p.partition, std::to_string(p.segments), std::to_string(p.live), std::to_string(p.bytes),
                  std::to_string(p.groups)});
        total += p;
      }
      if (kind == "verify") {
        const auto v = records::read_verify(record);
        verify.row({v.collection, v.partition, tag_or_dash(v.tag), std::to_string(v.live_1x), std::to_string(v.before),
                    v.rows_2x < 0 ? "missing" : std::to_string(v.rows_2x), v.ok ? "ok" : "MISMATCH"});
        any_verify = true;
      }
    });
  }
  if (want == "plan") {
    plan.row({"total", "", "", std::to_string(total.segments), std::to_string(total.live), std::to_string(total.bytes),
              std::to_string(total.groups)});
    std::cout << plan.text();
  }
  if (any_verify) std::cout << verify.text();
  std::cout.flush();
  if (!std::cout) fail("standard output: write failed");
  return kExitOk;
}

}  // namespace mm::manifest_cmd
