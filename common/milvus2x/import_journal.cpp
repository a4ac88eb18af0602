#include "milvus2x/import_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "errors.hpp"
#include "log_line.hpp"
#include "manifest.hpp"

namespace mm::milvus2x {
namespace {
void write_pieces(JsonWriter& w, const std::vector<RowRange>& pieces) {
  w.StartArray();
  for (const auto& p : pieces) {
    w.StartObject();
    w.Key("segment");
    w.String(p.segment.c_str());
    w.Key("first");
    w.Uint64(p.first);
    w.Key("rows");
    w.Uint64(p.rows);
    w.EndObject();
  }
  w.EndArray();
}

std::string entry(std::initializer_list<std::pair<const char*, std::string>> strings,
                  std::initializer_list<std::pair<const char*, int64_t>> numbers) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  for (const auto& [k, v] : strings) {
    w.Key(k);
    w.String(v.c_str(), rapidjson::SizeType(v.size()));
  }
  for (const auto& [k, v] : numbers) {
    w.Key(k);
    w.Int64(v);
  }
  w.EndObject();
  return buffer.GetString();
}
}  // namespace

ImportJournal::ImportJournal(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) fail_errno(path, "cannot open the import journal", errno);
  // Two runs sharing a journal would each import what the other has not noted yet.
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0)
    bad_usage(path + ": the import journal is in use by another mm-bulkinsert");
  try {
    read_entries();
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

void ImportJournal::read_entries() {
  std::ifstream in(path_, std::ios::binary);
  std::string line;
  uint64_t line_no = 0, offset = 0, torn_at = 0;
  bool torn = false;
  while (std::getline(in, line)) {
    ++line_no;
    const uint64_t start = offset;
    offset += line.size() + 1;
    if (line.empty()) continue;
    const std::string where = path_ + ":" + std::to_string(line_no);
    rapidjson::Document d;
    if (!parse_json(d, line) || !d.IsObject()) {
      // Only the last line may be torn (a crash in the middle of a write), and only as the
      // beginning of an entry of ours: anything else is not a journal.
      if (line.rfind("{\"event\":\"", 0) != 0 || in.peek() != EOF)
        bad_data(where + ": not a journal entry (is --journal the file mm-bulkinsert wrote?)");
      torn = true;
      torn_at = start;
      continue;
    }
    apply(line, line_no);
  }
  // The torn entry is cut off, so the next one starts on a line of its own.
  if (torn && ::ftruncate(fd_, off_t(torn_at)) != 0) fail_errno(path_, "cannot cut the torn last entry of the import journal", errno);
}

ImportJournal::~ImportJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void ImportJournal::apply(const std::string& line, uint64_t line_no) {
  rapidjson::Document d;
  parse_json(d, line);  // checked by the caller
  auto where = path_ + ":" + std::to_string(line_no);
  if (!d.HasMember("event") || !d["event"].IsString()) bad_data(where + ": journal entry without \"event\"");
  std::string event = d["event"].GetString();
  if (event == "target") {
    target_ = std::make_pair(get_string(d, "server"), get_string(d, "database"));
    return;
  }
  if (event == "server") {
    version_ = get_string(d, "version");
    return;
  }
  if (event == "baseline") {
    baselines_[{get_string(d, "collection"), get_string(d, "partition")}] = get_int(d, "rows");
    return;
  }
  auto& g = groups_[get_string(d, "group")];
  if (event == "submitting") {
    g = JournalGroup{};
    g.collection = get_string(d, "collection");
    g.partition = get_string(d, "partition");
    g.rows = get_uint(d, "rows");
    if (d.HasMember("pieces") && d["pieces"].IsArray())
      for (const auto& p : d["pieces"].GetArray())
        g.pieces.push_back(RowRange{get_string(p, "segment"), get_uint(p, "first"), get_uint(p, "rows")});
  } else if (event == "submitted") {  // the group's task from now on
    g.task = get_int(d, "task");
    g.server_version = version_;
    g.failed = g.stalled = false;
  } else if (event == "completed") {
    g.task = get_int(d, "task");
    g.completed = true;
    g.stalled = false;
  } else if (event == "failed") {
    g.failed = true;
    g.stalled = false;
    FailedTask f{get_string(d, "group"), g.collection, g.partition, get_int(d, "task"), 0, {}};
    if (d.HasMember("rows") && d["rows"].IsInt64()) f.rows = d["rows"].GetInt64();  // older journals lack these
    if (d.HasMember("segments") && d["segments"].IsArray())
      for (const auto& id : d["segments"].GetArray())
        if (id.IsInt64()) f.segments.push_back(id.GetInt64());
    failed_.push_back(std::move(f));
  } else if (event == "stalled") {
    g.task = get_int(d, "task");
    g.stalled = true;
  } else if (event == "reconciled") {
    g.task = get_int(d, "task");
    g.stalled = false;
    if (!d.HasMember("present") || !d["present"].IsBool()) bad_data(where + ": \"reconciled\" without \"present\"");
    // Absent rows make the group free to go in again, like a failed task that left nothing.
    (d["present"].GetBool() ? g.completed : g.failed) = true;
  } else {
    bad_data(where + ": unknown journal event \"" + event + "\"");
  }
}

void ImportJournal::append(const std::string& json) {
  // When it happened, so that the server's share of a migration can be read from the journal.
  std::string line = json;
  line.insert(line.size() - 1, ",\"time\":\"" + utc_timestamp(std::chrono::system_clock::now()) + "\"");
  line += "\n";
  if (::write(fd_, line.data(), line.size()) != ssize_t(line.size())) fail_errno(path_, "cannot write the import journal", errno);
  if (fdatasync(fd_) != 0) fail_errno(path_, "cannot sync the import journal", errno);
}

std::optional<int64_t> ImportJournal::baseline(const std::string& collection, const std::string& partition) const {
  auto it = baselines_.find({collection, partition});
  if (it == baselines_.end()) return std::nullopt;
  return it->second;
}

const JournalGroup* ImportJournal::group(const std::string& key) const {
  auto it = groups_.find(key);
  return it == groups_.end() ? nullptr : &it->second;
}

std::map<std::pair<std::string, std::string>, uint64_t> ImportJournal::completed_rows() const {
  std::map<std::pair<std::string, std::string>, uint64_t> rows;
  for (const auto& [key, g] : groups_)
    if (g.completed) rows[{g.collection, g.partition}] += g.rows;
  return rows;
}

void ImportJournal::record_baseline(const std::string& collection, const std::string& partition, int64_t rows) {
  std::string json = entry({{"event", "baseline"}, {"collection", collection}, {"partition", partition}}, {{"rows", rows}});
  append(json);
  apply(json, 0);
}

void ImportJournal::record_submitting(const std::string& key, const std::string& collection, const std::string& partition,
                                      uint64_t rows, const std::vector<RowRange>& pieces) {
  std::string json = entry({{"event", "submitting"}, {"group", key}, {"collection", collection}, {"partition", partition}},
                           {{"rows", int64_t(rows)}});
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_pieces(w, pieces);
  json.insert(json.size() - 1, std::string(",\"pieces\":") + buffer.GetString());
  append(json);
  apply(json, 0);
}

void ImportJournal::check_target(const std::string& server, const std::string& database) {
  if (!target_) {
    std::string json = entry({{"event", "target"}, {"server", server}, {"database", database}}, {});
    append(json);
    apply(json, 0);
    return;
  }
  if (target_->first != server || target_->second != database)
    bad_usage(path_ + ": this journal belongs to Milvus " + target_->first + " database \"" + target_->second +
              "\", not " + server + " database \"" + database + "\"; use another --journal");
}

std::optional<std::string> ImportJournal::overlapping(const std::string& key, const std::vector<RowRange>& pieces) const {
  for (const auto& [other_key, g] : groups_) {
    if (g.failed) continue;
    if (other_key == key) {
      if (!g.pieces.empty() && !pieces.empty() && g.pieces != pieces) return other_key;
      continue;
    }
    for (const auto& a : g.pieces)
      for (const auto& b : pieces)
        if (a.segment == b.segment && a.first < b.first + b.rows && b.first < a.first + a.rows) return other_key;
  }
  return std::nullopt;
}

void ImportJournal::record_submitted(const std::string& key, int64_t task) {
  std::string json = entry({{"event", "submitted"}, {"group", key}}, {{"task", task}});
  append(json);
  apply(json, 0);
}

void ImportJournal::record_completed(const std::string& key, int64_t task, int64_t rows) {
  std::string json = entry({{"event", "completed"}, {"group", key}}, {{"task", task}, {"rows", rows}});
  append(json);
  apply(json, 0);
}

void ImportJournal::record_failed(const std::string& key, int64_t task, const std::string& reason, int64_t rows,
                                  const std::vector<int64_t>& segments) {
  std::string json = entry({{"event", "failed"}, {"group", key}, {"reason", reason}}, {{"task", task}, {"rows", rows}});
  std::string ids;
  for (int64_t id : segments) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  json.insert(json.size() - 1, ",\"segments\":[" + ids + "]");
  append(json);
  apply(json, 0);
}

void ImportJournal::record_stalled(const std::string& key, int64_t task, int64_t seconds) {
  std::string json = entry({{"event", "stalled"}, {"group", key}}, {{"task", task}, {"seconds", seconds}});
  append(json);
  apply(json, 0);
}

void ImportJournal::note_server_version(const std::string& version) {
  if (version == version_) return;
  std::string json = entry({{"event", "server"}, {"version", version}}, {});
  append(json);
  apply(json, 0);
}

void ImportJournal::record_reconciled(const std::string& key, int64_t task, int64_t rows, bool present) {
  std::string json = entry({{"event", "reconciled"}, {"group", key}}, {{"task", task}, {"rows", rows}});
  json.insert(json.size() - 1, present ? ",\"present\":true" : ",\"present\":false");
  append(json);
  apply(json, 0);
}

bool ImportJournal::knows_failed(int64_t task) const {
  for (const auto& f : failed_)
    if (f.task == task) return true;
  return false;
}

}  // namespace mm::milvus2x
