#include "records/report.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cmath>
#include <map>
#include <sstream>

#include "errors.hpp"
#include "records/catalog.hpp"

namespace mm::records {

namespace {

double milliseconds_rounded(double seconds) { return std::round(seconds * 1000) / 1000; }

}  // namespace

std::vector<ReportStage> read_stages(std::istream& in, const std::string& name) {
  std::vector<ReportStage> stages;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    ReportStage s;
    double start = 0, end = 0;
    if (!std::getline(fields, s.stage, '\t') || !(fields >> start >> end >> s.exit_status))
      bad_data(name + ":" + std::to_string(number) + ": expected NAME, START, END and EXIT separated by tabs");
    s.seconds = end - start;
    stages.push_back(s);
  }
  return stages;
}

Report make_report(const std::vector<PartitionPlan>& plan, const BulkinsertSummary& imported, int exit_status) {
  std::map<std::pair<std::string, std::string>, const BulkinsertPartition*> done;
  for (const auto& p : imported.partitions) done[{p.collection, p.partition}] = &p;
  Report r;
  r.server = imported.server;
  r.exit_status = exit_status;
  r.imported_this_run = imported.imported_rows;
  r.ok = exit_status == 0;
  for (const auto& p : plan) {
    ReportPartition part{p.collection, p.partition, p.tag, p.live, 0, std::nullopt, false};
    auto it = done.find({p.collection, p.partition});
    if (it != done.end()) {
      part.imported = it->second->imported;
      part.rows_2x = it->second->visible;
      part.ok = it->second->ok && part.imported == int64_t(p.live);
    }
    r.ok = r.ok && part.ok;
    r.live_1x += part.live_1x;
    r.imported += part.imported;
    r.partitions.push_back(part);
  }
  return r;
}

std::string to_json(const Report& r) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  auto text = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), rapidjson::SizeType(value.size()));
  };
  w.StartObject();
  text("config", r.config);
  text("server", r.server);
  w.Key("ok"), w.Bool(r.ok);
  w.Key("exit_status"), w.Int(r.exit_status);
  w.Key("seconds"), w.Double(milliseconds_rounded(r.seconds));
  w.Key("stages"), w.StartArray();
  for (const auto& s : r.stages) {
    w.StartObject();
    text("stage", s.stage);
    w.Key("seconds"), w.Double(milliseconds_rounded(s.seconds));
    w.Key("exit_status"), w.Int(s.exit_status);
    w.EndObject();
  }
  w.EndArray();
  w.Key("totals"), w.StartObject();
  w.Key("live_1x"), w.Uint64(r.live_1x);
  w.Key("imported"), w.Int64(r.imported);
  w.Key("imported_this_run"), w.Uint64(r.imported_this_run);
  w.EndObject();
  // mm-meta's unflushed records, as it wrote them.
  w.Key("unflushed_left_behind"), w.StartArray();
  for (const auto& u : r.unflushed) {
    const std::string record = to_json(u.changes, u.wal_dir);
    w.RawValue(record.c_str(), record.size(), rapidjson::kObjectType);
  }
  w.EndArray();
  w.Key("partitions"), w.StartArray();
  for (const auto& p : r.partitions) {
    w.StartObject();
    text("collection", p.collection);
    text("partition", p.partition);
    text("tag", p.tag);
    w.Key("live_1x"), w.Uint64(p.live_1x);
    w.Key("imported"), w.Int64(p.imported);
    w.Key("rows_2x");
    if (p.rows_2x)
      w.Int64(*p.rows_2x);
    else
      w.Null();
    w.Key("ok"), w.Bool(p.ok);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace mm::records
