// What mm-progress shows of a stage: its last progress event against the expected totals, as a bar
// (terminal) or a plain line. Pure formatting; the terminal handling is mm-progress's.
#pragma once
#include <cstdint>
#include <string>

#include "log_line.hpp"

namespace mm {

// The whole migration's expected work, from mm-run's plan; 0 where unknown.
struct Totals {
  uint64_t rows = 0, bytes = 0, groups = 0;
};

// {"rows":N,"bytes":N,"groups":N}, each optional; `where` names the file in errors (kExitBadData).
Totals parse_totals(const std::string& json, const std::string& where);

// "converted  [#####...........]  35%  3500/10000 rows  1.1 GiB/3.2 GiB  120.0 MiB/s  ETA 18s"
std::string bar_line(const ProgressEvent& e, const Totals& totals, size_t name_width);
// "mm-npy: converted 3/10 groups, 3500/10000 rows, 1.1 GiB/3.2 GiB (35%), 120.0 MiB/s, ETA 18s"
std::string plain_line(const ProgressEvent& e, const Totals& totals);
// A message as the tools write it in text format: "mm-npy: error: no such file".
std::string text_line(const LogLine& message);

// "12s", "3m05s", "1h02m"
std::string short_duration(double seconds);

}  // namespace mm
