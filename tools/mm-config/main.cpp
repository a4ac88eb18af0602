// mm-config: validates a migration.yaml (milvus-migration's keys plus milvusmm:) and prints its
// settings as shell variables for mm-run.
#include <iostream>

#include "../cli/cli.hpp"
#include "config/config.hpp"
#include "config/tool_args.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "tool_main.hpp"

using namespace mm;

namespace {

const char* type_name(config::Type t) {
  switch (t) {
    case config::Type::Int: return "integer";
    case config::Type::Bool: return "boolean";
    case config::Type::Number: return "number";
    case config::Type::List: return "list";
    case config::Type::Enum: return "enum";
    case config::Type::GroupSize: return "size";
    default: return "string";
  }
}

int run(int argc, char** argv) {
  cxxopts::Options options("mm-config", "Validate a migration.yaml (milvus-migration's keys for workMode milvus1x plus milvus-mm's under milvusmm:) and print its settings as shell variables.");
  options.add_options("Action (exactly one)")
    ("check", "validate FILE; print nothing on success", cxxopts::value<std::string>(), "FILE")
    ("env", "validate FILE and print one 'export NAME=value' line per setting (defaults applied; secrets only when set)", cxxopts::value<std::string>(), "FILE")
    ("origins", "validate FILE and print, per key given or derived (milvusmm.sourceConfig, the WAL beside tablesDir), KEY, VALUE and where it came from, tab-separated; secrets as (secret)", cxxopts::value<std::string>(), "FILE")
    ("args", "validate FILE and print, as bash arrays for eval, the flags mm-run hands each tool (meta_args, fetch_tables, scan_args, npy_args, upload_args, bulk_args, verify_args, ...); secrets never appear", cxxopts::value<std::string>(), "FILE")
    ("list-keys", "print every known key with its type, default and variable name");
  options.add_options("Settings")
    ("collections", "with --args: only these 1.x collections, comma-separated (overrides milvusmm.collections)", cxxopts::value<std::string>(), "A,B");
  cli::add_common_options(options);
  auto result = cli::parse_flags(options, argc, argv);
  if (cli::handle_common_options(options, result, cli::kCommonExitCodes)) return kExitOk;
  if (!result.unmatched().empty()) bad_usage("unexpected argument \"" + result.unmatched()[0] + "\"");
  const int actions = int(result.count("check") + result.count("env") + result.count("origins") + result.count("args") + result.count("list-keys"));
  if (actions != 1) bad_usage("give exactly one of --check FILE, --env FILE, --origins FILE, --args FILE or --list-keys");

  if (result.count("list-keys")) {
    for (const auto& k : config::key_specs())
      std::cout << k.key << "\t" << type_name(k.type) << (k.allowed ? std::string(" ") + k.allowed : "") << "\t" << (*k.default_value ? k.default_value : "-") << "\t"
                << (k.env ? k.env : "-") << "\t" << k.meaning << "\n";
    return kExitOk;
  }
  const char* action = result.count("check") ? "check" : result.count("env") ? "env" : result.count("args") ? "args" : "origins";
  const std::string file = result[action].as<std::string>();
  auto cfg = config::Config::load(file);
  for (const auto& w : cfg.warnings()) log_warning(w);
  if (result.count("env"))
    for (const auto& line : cfg.env_lines()) std::cout << line << "\n";
  if (result.count("args"))
    for (const auto& value : config::tool_args(cfg, result.count("collections") ? std::optional(result["collections"].as<std::string>()) : std::nullopt))
      std::cout << config::shell_line(value) << "\n";
  if (result.count("origins"))
    for (const auto& line : cfg.origin_lines()) std::cout << line << "\n";
  std::cout.flush();
  if (!std::cout) fail("standard output: write failed");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-config", [&] { return run(argc, argv); });
}
