// mm-manifest select: only the records of some collections (mm-run load --col).
#include <set>
#include <string>

#include "../cli/cli.hpp"
#include "manifest.hpp"
#include "subcommands.hpp"

namespace mm::manifest_cmd {

namespace {

bool is_collection_record(const rapidjson::Value& record) { return std::string(kind_of(record)) == "collection"; }

// The collections the collection records of `path` name.
std::set<std::string> collections_in(const std::string& path) {
  ManifestReader in(path);
  std::set<std::string> names;
  rapidjson::Document record;
  while (in.next(record))
    if (is_collection_record(record)) at_record(in, [&] { names.insert(get_string(record, "collection")); });
  return names;
}

// The names of `wanted` not in `seen`, joined with ", ".
std::string missing(const std::set<std::string>& wanted, const std::set<std::string>& seen) {
  std::string names;
  for (const auto& name : wanted)
    if (!seen.count(name)) names += (names.empty() ? "" : ", ") + name;
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
  auto check = [&](const std::set<std::string>& seen) {
    const std::string names = missing(wanted, seen);
    if (!names.empty()) bad_usage("collections not in " + (path == "-" ? std::string("the manifest") : path) + ": " + names);
  };
  if (path != "-") check(collections_in(path));
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
    if (is_collection_record(record)) seen.insert(name);
    if (wanted.count(name)) out.write_line(in.line());
  }
  check(seen);
  return kExitOk;
}

}  // namespace mm::manifest_cmd
