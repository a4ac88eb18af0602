#include "progress_view.hpp"
#include "manifest.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "errors.hpp"
#include "log.hpp"

namespace mm {
namespace {

// A stage's numbers against its totals: the tool's own where it knows them, else the plan's.
struct Figures {
  uint64_t total_items, total_bytes, total_rows;
  double fraction = -1;  // of the work done; -1: no total known
  double rate = 0;       // bytes a second
  double eta = -1;       // seconds; -1: unknown or done
};

Figures figures(const ProgressEvent& e, const Totals& t) {
  Figures f{e.total_items ? e.total_items : t.groups, e.total_bytes ? e.total_bytes : t.bytes, t.rows};
  // Bytes move smoothly within a group; rows and groups only when one completes.
  if (f.total_bytes) f.fraction = double(e.bytes) / double(f.total_bytes);
  else if (f.total_rows) f.fraction = double(e.rows) / double(f.total_rows);
  else if (f.total_items) f.fraction = double(e.items) / double(f.total_items);
  if (f.fraction > 1) f.fraction = 1;  // .npy headers count in uploaded bytes, not in the plan
  if (e.seconds > 0) f.rate = double(e.bytes) / e.seconds;
  if (!e.final && f.fraction > 0 && f.fraction < 1 && e.seconds > 0) f.eta = e.seconds * (1 - f.fraction) / f.fraction;
  return f;
}

std::string count(uint64_t done, uint64_t total) {
  return std::to_string(done) + (total ? "/" + std::to_string(total) : "");
}

std::string bytes_of(uint64_t done, uint64_t total) {
  return human_bytes(double(done)) + (total ? "/" + human_bytes(double(total)) : "");
}

// Rounded down: 100% only when all is done.
std::string percent(double fraction) { return std::to_string(int(std::floor(fraction * 100))) + "%"; }

std::string ending(const ProgressEvent& e, const Figures& f) {
  if (e.final) return "done in " + short_duration(e.seconds);
  return f.eta >= 0 ? "ETA " + short_duration(f.eta) : "";
}

uint64_t optional_count(const rapidjson::Value& d, const char* key, const std::string& where) {
  auto it = d.FindMember(key);
  if (it == d.MemberEnd()) return 0;
  if (!it->value.IsUint64()) bad_data(where + ": \"" + key + "\" is not a whole number");
  return it->value.GetUint64();
}

}  // namespace

Totals parse_totals(const std::string& json, const std::string& where) {
  rapidjson::Document d;
  if (!parse_json(d, json) || !d.IsObject()) bad_data(where + ": not a JSON object like {\"rows\":N,\"bytes\":N,\"groups\":N}");
  return Totals{optional_count(d, "rows", where), optional_count(d, "bytes", where), optional_count(d, "groups", where)};
}

std::string bar_line(const ProgressEvent& e, const Totals& totals, size_t name_width) {
  const Figures f = figures(e, totals);
  const int width = 16, filled = f.fraction < 0 ? 0 : int(f.fraction * width);
  std::string line = e.stage + std::string(name_width > e.stage.size() ? name_width - e.stage.size() : 0, ' ');
  line += "  [" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
  const std::string done = f.fraction < 0 ? "?" : percent(f.fraction);
  line += std::string(4 - done.size(), ' ') + done;
  line += "  " + count(e.rows, f.total_rows) + " rows  " + bytes_of(e.bytes, f.total_bytes) + "  " +
          human_bytes(f.rate) + "/s";
  const std::string end = ending(e, f);
  if (!end.empty()) line += "  " + end;
  return e.detail.empty() ? line : line + "  " + e.detail;
}

std::string plain_line(const ProgressEvent& e, const Totals& totals) {
  const Figures f = figures(e, totals);
  std::string line = e.tool + ": " + e.stage + " " + count(e.items, f.total_items) + " groups, " +
                     count(e.rows, f.total_rows) + " rows, " + bytes_of(e.bytes, f.total_bytes);
  if (f.fraction >= 0) line += " (" + percent(f.fraction) + ")";
  line += ", " + human_bytes(f.rate) + "/s";
  const std::string end = ending(e, f);
  if (!end.empty()) line += ", " + end;
  return e.detail.empty() ? line : line + "; " + e.detail;
}

std::string text_line(const LogLine& m) {
  if (m.level == "info" || m.level == "debug") return m.tool + ": " + m.message;
  return m.tool + ": " + m.level + ": " + m.message;
}

std::string short_duration(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%lds", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s % 3600 / 60);
  return buf;
}

}  // namespace mm
