// The frame every tool's main() runs in: turns exceptions into one error line and an exit code.
#pragma once
#include <functional>
#include <string>

namespace mm {

int run_tool(const std::string& name, const std::function<int()>& body);

}  // namespace mm
