#include "tool_main.hpp"

#include <cxxopts.hpp>

#include "errors.hpp"
#include "log.hpp"

namespace mm {

int run_tool(const std::string& name, const std::function<int()>& body) {
  set_tool_name(name);
  try {
    return body();
  } catch (const Error& e) {
    log_error(e.what());
    return e.exit_code();
  } catch (const cxxopts::exceptions::exception& e) {
    log_error(std::string(e.what()) + " (see " + name + " --help)");
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    log_error("out of memory");
    return kExitFailure;
  } catch (const std::exception& e) {
    log_error(e.what());
    return kExitFailure;
  }
}

}  // namespace mm
