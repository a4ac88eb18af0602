// migration.yaml as mm-config and mm-run read it: Config::parse (yaml-cpp, then every key checked),
// then the values and the shell lines of mm-config --env.
#include "config/config.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  const std::string text(reinterpret_cast<const char*>(data), size);
  mm::fuzz::expect_refusal_only([&] {
    auto config = mm::config::Config::parse(text, "migration.yaml");
    for (const auto& line : config.env_lines()) (void)line;
    for (const auto& spec : mm::config::key_specs()) (void)config.get(spec.key);
  });
  return 0;
}
