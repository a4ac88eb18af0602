// mm-manifest select: only the records of some collections (mm-run load --col).
#include <set>
#include <string>

#include "../cli/cli.hpp"
#include "manifest.hpp"
#include "subcommands.hpp"

namespace mm::manifest_cmd {

namespace {

// The wanted collections that no collection record of `path` names, joined with ", ".
std::string missing_collections(const std::string& path, std::set<std::string> wanted) {
  ManifestReader in(path);
  rapidjson::Document record;
  while (in.next(record))
    if (get_string(record, "kind") == "collection") wanted.erase(get_string_or(record, "collection", ""));
  std::string names;
  for (const auto& name : wanted) names += (names.empty() ? "" : ", ") + name;
  return names;
}

}  // namespace

int select(int argc, char** argv) {
  cxxopts::Options options("mm-manifest select", "Print the records of MANIFEST that belong to the given collections, and those that belong to none (summaries). A name no collection record holds is a usage error; with a MANIFEST file that is found before anything is printed.");
  options.add_options("Select")
    ("collections", "1.x collections, comma-separated (required)", cxxopts::value<std::string>(), "A,B");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;
  if (!result.count("collections")) bad_usage("--collections A,B is required");
  const auto list = cli::split_list(result["collections"].as<std::string>());
  const std::set<std::string> wanted(list.begin(), list.end());
  const std::string path = result["manifest"].as<std::string>();
  auto refuse = [&](const std::string& missing) { bad_usage("collections not in " + (path == "-" ? std::string("the manifest") : path) + ": " + missing); };
  if (path != "-") {
    const std::string missing = missing_collections(path, wanted);
    if (!missing.empty()) refuse(missing);
  }
  ManifestReader in(path);
  ManifestWriter out;
  std::set<std::string> seen;
  rapidjson::Document record;
  while (in.next(record)) {
    if (!record.HasMember("collection")) {
      out.write_line(in.line());
      continue;
    }
    std::string name;
    at_record(in, [&] { name = get_string(record, "collection"); });
    if (get_string(record, "kind") == "collection") seen.insert(name);
    if (wanted.count(name)) out.write_line(in.line());
  }
  std::string missing;
  for (const auto& name : wanted)
    if (!seen.count(name)) missing += (missing.empty() ? "" : ", ") + name;
  if (!missing.empty()) refuse(missing);
  return kExitOk;
}

}  // namespace mm::manifest_cmd
