#include "milvus2x/server_rules.hpp"

#include <cctype>
#include <tuple>

#include "errors.hpp"

namespace mm::milvus2x {

bool ServerVersion::at_least(int ma, int mi, int pa) const {
  return std::tie(major, minor, patch) >= std::tie(ma, mi, pa);
}

std::optional<ServerVersion> parse_server_version(const std::string& text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == 'v' || text[i] == 'V')) ++i;
  int numbers[3] = {0, 0, 0};
  for (int n = 0; n < 3; ++n) {
    size_t start = i;
    long value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && value < 100000) value = value * 10 + (text[i++] - '0');
    if (i == start) return std::nullopt;
    numbers[n] = int(value);
    if (n < 2) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  // What may follow: a pre-release or build tag ("-rc1", "-dev", "+abc").
  if (i < text.size() && text[i] != '-' && text[i] != '+') return std::nullopt;
  return ServerVersion{numbers[0], numbers[1], numbers[2], text};
}

ServerRules rules_for(const ServerVersion& version) {
  if (!version.at_least(2, 2))
    fail("Milvus " + version.text + " is not supported: milvus-mm imports into Milvus 2.2 and later");
  ServerRules rules;
  rules.version = version;
  rules.family = version.at_least(2, 4) ? ImportFamily::Jobs : ImportFamily::Tasks;
  return rules;
}

std::string ServerRules::name() const {
  return "Milvus " + std::to_string(version.major) + "." + std::to_string(version.minor) + "." + std::to_string(version.patch);
}

std::string ServerRules::stage(int percent, bool pending) const {
  if (!jobs()) return pending ? "pending" : percent >= 90 ? "persisted, flushing" : "importing";
  if (percent >= 100) return "completed";
  if (percent >= 99 && has_commit_stage()) return "committing";
  if (percent >= 80) return "building the index";
  if (percent >= 70) return "sorting";
  if (percent >= 40) return "importing";
  if (percent >= 10) return "pre-importing";
  return "pending";
}

bool ServerRules::waits_for_index(int percent, bool has_index) const {
  return jobs() && has_index && percent >= 80 && percent < 90;
}

std::string ServerRules::stall_hint(int percent, bool has_index) const {
  const std::string on = " (" + name() + ")";
  if (!jobs()) {
    // After Milvus 2.2/2.3 restarts, a task queued before sits on the DataNode that is gone until
    // the server expires it; and a segment that an import killed before its flush left behind
    // fails the flushes that include it, so imports into its collection can stay persisted (90 %)
    // until the server drops that segment. Both happen on its cleanup pass, every 5 minutes.
    if (percent == 0)
      return "; Milvus reports none of the group read: can it reach its object storage? If Milvus restarted, a task "
             "queued before waits on its lost DataNode until Milvus fails it (rootCoord.importTaskExpiration, "
             "default 900 s, checked every 5 minutes)" + on;
    if (percent == 90)
      return "; written but not flushed: if Milvus restarted during an import, the segment that import left can block "
             "flushes in this collection until Milvus' cleanup pass (every 5 minutes)" + on;
    return "";
  }
  if (percent < 10)
    return "; the job is pending: the server starts jobs as its DataNodes have slots (up to 1024 jobs wait)" + on;
  if (percent < 40)
    return "; pre-importing reads the files: can Milvus reach its object storage?" + on;
  if (waits_for_index(percent, has_index))
    return "; the collection has an index, so the job waits until the imported segments are indexed" + on;
  if (percent == 99 && has_commit_stage())
    return "; the job waits to be committed (auto_commit)" + on;
  return "";
}

}  // namespace mm::milvus2x
