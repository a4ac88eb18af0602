// mm-manifest merge: the manifest of several parallel jobs as one job's (mm-fanout merge).
#include <vector>

#include "../cli/cli.hpp"
#include "manifest.hpp"
#include "records/summary.hpp"
#include "subcommands.hpp"

namespace mm::manifest_cmd {

int merge(int argc, char** argv) {
  cxxopts::Options options("mm-manifest merge", "Pass every record of MANIFEST through as soon as it is read, except the summary records: those of each tool (one per parallel job) are added up into one summary per tool (records::merge: counts add, partitions of the same name add up), written at the end in the order the tools first appeared. A tool with a single summary keeps it unchanged.");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  ManifestReader in((*parsed)["manifest"].as<std::string>());
  ManifestWriter out;
  struct Merged {
    records::Summary summary;
    std::string first_line;
    int count = 0;
  };
  std::vector<Merged> merged;
  rapidjson::Document record;
  while (in.next(record)) {
    at_record(in, [&] {
      if (std::string(kind_of(record)) != "summary") return out.write_line(in.line());
      const auto summary = records::read_summary(record);
      for (auto& m : merged)
        if (m.summary.index() == summary.index()) {
          m.summary = records::merge(m.summary, summary);
          ++m.count;
          return;
        }
      merged.push_back({summary, in.line(), 1});
    });
  }
  for (const auto& m : merged) out.write_line(m.count == 1 ? m.first_line : records::to_json(m.summary));
  return kExitOk;
}

}  // namespace mm::manifest_cmd
