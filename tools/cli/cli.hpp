// Flags every tool shares: --help, --version, --quiet, --verbose, --log-format.
#pragma once
#include <cxxopts.hpp>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "errors.hpp"
#include "list_text.hpp"
#include "log.hpp"
#include "size_text.hpp"

namespace mm::cli {

// "text" or "json"; `from` names the flag or variable in the error.
inline void set_log_format_from(const std::string& from, const std::string& value) {
  if (value == "text") set_log_format(LogFormat::Text);
  else if (value == "json") set_log_format(LogFormat::Json);
  else bad_usage(from + ": \"" + value + "\" is not a log format (text or json)");
}

// Also applies MM_LOG_FORMAT at once, so even an error in the flags is written in that format.
inline void add_common_options(cxxopts::Options& options) {
  options.add_options("General")("h,help", "print this help and exit")("version", "print the version and exit")(
      "q,quiet", "print errors only")("v,verbose", "print more detail on stderr")(
      "log-format", "stderr as text, or json: one object a line (default: MM_LOG_FORMAT, else text)",
      cxxopts::value<std::string>(), "FORMAT");
  const char* env = std::getenv("MM_LOG_FORMAT");
  if (env && *env) set_log_format_from("MM_LOG_FORMAT", env);
}

// Handles --help/--version (returns true: exit 0) and sets the verbosity.
inline bool handle_common_options(const cxxopts::Options& options, const cxxopts::ParseResult& result,
                                  const std::string& exit_codes) {
  if (result.count("help")) {
    std::cout << options.help() << "\nExit status:\n" << exit_codes;
    return true;
  }
  if (result.count("version")) {
    std::cout << options.program() << " (milvus-mm) " << MM_VERSION << "\n";
    return true;
  }
  set_verbosity(result.count("quiet") ? 0 : result.count("verbose") ? 2 : 1);
  if (result.count("log-format")) set_log_format_from("--log-format", result["log-format"].as<std::string>());
  return false;
}

inline const char* kCommonExitCodes =
    "  0  success\n"
    "  1  failure: I/O, server or environment\n"
    "  2  usage: bad flags or configuration\n"
    "  3  bad input data: files or metadata that fail validation\n";

// options.parse, with the flag named when its value cannot be read: cxxopts names only the value
// ("Argument '-1' failed to parse").
inline cxxopts::ParseResult parse_flags(cxxopts::Options& options, int argc, char** argv) {
  try {
    return options.parse(argc, argv);
  } catch (const cxxopts::exceptions::incorrect_argument_type& e) {
    std::string value = e.what();
    const std::string head = "Argument ", tail = " failed to parse";
    if (value.rfind(head, 0) != 0 || value.size() < head.size() + tail.size()) throw;
    value = value.substr(head.size(), value.size() - head.size() - tail.size());
    for (const std::string quote : {"\xE2\x80\x98", "\xE2\x80\x99", "'"}) {  // the quotes cxxopts puts around it
      if (value.rfind(quote, 0) == 0) value.erase(0, quote.size());
      if (value.size() >= quote.size() && value.compare(value.size() - quote.size(), quote.size(), quote) == 0)
        value.erase(value.size() - quote.size());
    }
    std::string flag = "a flag";
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == value && i > 1 && argv[i - 1][0] == '-') flag = argv[i - 1];
      auto eq = arg.find('=');
      if (arg.rfind("-", 0) == 0 && eq != std::string::npos && arg.substr(eq + 1) == value) flag = arg.substr(0, eq);
    }
    bad_usage(flag + ": cannot read \"" + value.substr(0, 200) + "\" (see " + options.program() + " --help)");
  }
}

// For the tools that filter a manifest: adds the MANIFEST operand and the common options, parses,
// and handles --help/--version (then returns nothing: exit 0). Extra operands are a usage error.
inline std::optional<cxxopts::ParseResult> parse_manifest_tool(cxxopts::Options& options, int argc, char** argv) {
  options.positional_help("[MANIFEST]");
  options.add_options()("manifest", "input manifest, '-' for stdin",
                         cxxopts::value<std::string>()->default_value("-"), "MANIFEST");
  options.parse_positional({"manifest"});
  add_common_options(options);
  auto result = parse_flags(options, argc, argv);
  if (handle_common_options(options, result, kCommonExitCodes)) return std::nullopt;
  if (!result.unmatched().empty())
    bad_usage("unexpected argument \"" + result.unmatched()[0] + "\" (one MANIFEST at most)");
  return result;
}

// A size flag (see size_text.hpp); anything else is a usage error naming the flag.
inline uint64_t parse_size(const std::string& flag, const std::string& text) {
  auto size = mm::parse_size(text);
  if (!size) bad_usage(flag + ": not a size: \"" + text.substr(0, 200) + "\" (e.g. 64M, 1G)");
  return *size;
}
using mm::split_list;

}  // namespace mm::cli
