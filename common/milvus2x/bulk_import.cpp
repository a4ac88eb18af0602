#include "milvus2x/bulk_import.hpp"

#include <sys/stat.h>

#include "errors.hpp"
#include "milvus2x/import_probe.hpp"

namespace mm::milvus2x {
namespace {

// The group's size as the server counts it: its files, headers included.
uint64_t group_bytes(const rapidjson::Value& r) {
  if (r.HasMember("bytes") && r["bytes"].IsUint64()) return r["bytes"].GetUint64();
  uint64_t total = 0;
  if (r.HasMember("files") && r["files"].IsObject())
    for (const auto& f : r["files"].GetObject()) {
      struct stat st;
      if (f.value.IsString() && ::stat(f.value.GetString(), &st) == 0) total += uint64_t(st.st_size);
    }
  return total;
}

SchedulerOptions scheduler_options(const ImportOptions& o, Progress& progress) {
  SchedulerOptions s;
  s.report = [&progress](const std::string& detail) { progress.set_detail(detail); };
  s.in_flight = o.in_flight;
  s.poll_seconds = o.poll_seconds;
  s.stall_timeout_seconds = o.stall_timeout_seconds;
  return s;
}

}  // namespace

BulkImporter::BulkImporter(Client& client, const ServerRules& rules, const ConnectOptions& connect, ImportJournal& journal,
                           ManifestWriter& out, ImportOptions options, Progress& progress)
    : client_(client),
      rules_(rules),
      journal_(journal),
      out_(out),
      options_(std::move(options)),
      progress_(progress),
      setup_(client, journal, rules, options_.id_field, options_.vector_field),
      server_(client, rules, connect, options_.vector_field),
      scheduler_(server_, journal, scheduler_options(options_, progress),
                 [this](const ScheduledGroup& g, int64_t job, bool resumed) {
                   progress_.add(1, g.bytes, g.rows);
                   write_group(records_.at(g.key), job, false, resumed);
                   records_.erase(g.key);
                 }),
      post_(client, PostImportOptions{options_.id_field, options_.vector_field, options_.create_index, options_.load,
                                      options_.verify_sample}) {}

void BulkImporter::consume(rapidjson::Document& record, const std::string& line) {
  std::string kind = kind_of(record);
  if (kind == "collection") setup_.on_collection(record);
  if (kind == "partition") setup_.on_partition(record);
  if (kind == "store") on_store(record);
  if (kind == "group") return on_group(record);
  out_.write_line(line);
}

void BulkImporter::write_group(const std::string& record, int64_t job, bool earlier_run, bool resumed) {
  rapidjson::Document r;
  r.Parse(record.c_str());
  auto& a = r.GetAllocator();
  rapidjson::Value import(rapidjson::kObjectType);
  import.AddMember("task", job, a);
  import.AddMember("state", "completed", a);
  import.AddMember("earlier_run", earlier_run, a);
  if (!earlier_run) import.AddMember("resumed", resumed, a);
  r.AddMember("import", import, a);
  out_.write(r);
}

void BulkImporter::on_store(const rapidjson::Value& r) {
  if (store_) return;  // mm-fanout merge passes one per job: the same store
  auto it = r.FindMember("store");
  if (it == r.MemberEnd()) bad_data("store record without \"store\"");
  store_.emplace(storage::read_store_spec(it->value, "store record"), get_string_or(r, "prefix", ""));
}

void BulkImporter::probe_once() {
  if (probed_ || !options_.open_probe_store) return;
  probed_ = true;
  if (!store_) {
    log_debug("probe: no store record in the manifest (mm-upload writes one), so no probe");
    return;
  }
  std::unique_ptr<storage::ObjectStore> store;
  try {
    store = options_.open_probe_store(store_->first);
  } catch (const Error& e) {
    // The probe only warns early; without the store's credentials it cannot run, the import can.
    log_warning("probe skipped: " + std::string(e.what()) + " (give mm-bulkinsert the credentials mm-upload has, or --no-probe)");
    return;
  }
  run_import_probe(client_, server_, *store, store_->first, store_->second, std::min(options_.stall_timeout_seconds, 600));
}

void BulkImporter::on_group(rapidjson::Document& r) {
  std::string collection = get_string(r, "collection"), partition = get_string_or(r, "partition", "_default");
  std::string name = get_string(r, "name");
  r.RemoveMember("import");  // a record that went through mm-bulkinsert before
  if (!setup_.knows(collection)) bad_data("group " + name + " arrives before its collection record " + collection);
  const char* source = r.HasMember("objects") ? "objects" : "files";
  if (!r.HasMember(source) || !r[source].IsObject()) bad_data("group " + name + ": no \"files\" or \"objects\"");

  ScheduledGroup group;
  group.key = collection + "/" + partition + "/" + name;
  if (!seen_.insert(group.key).second) {
    log_warning("group " + group.key + " appears again in the manifest: imported once, counted once");
    return;
  }
  group.target = {collection, partition,
                  {get_string(r[source], options_.id_field.c_str()), get_string(r[source], options_.vector_field.c_str())}};
  group.rows = get_uint(r, "rows");
  group.bytes = group_bytes(r);
  if (group.bytes >= kMaxImportGroupBytes)
    bad_data("group " + group.key + " holds " + human_bytes(double(group.bytes)) +
             " with its NumPy headers; Milvus imports less than 16 GiB per group: convert with a smaller --group-size");
  if (r.HasMember("pieces") && r["pieces"].IsArray())
    for (const auto& p : r["pieces"].GetArray())
      group.pieces.push_back(RowRange{get_string(p, "table_id") + "/" + get_string(p, "segment_id"), get_uint(p, "first_live"),
                                      get_uint(p, "rows")});
  setup_.prepare_partition(collection, partition);
  if (r.HasMember("files") && r["files"].IsObject())  // the local files mm-npy wrote, readable here
    post_.add_sample_source(collection, get_string(r["files"], options_.id_field.c_str()),
                            get_string(r["files"], options_.vector_field.c_str()));

  if (const JournalGroup* earlier = journal_.group(group.key); !earlier || !earlier->completed) probe_once();
  const std::string record = to_json(r);
  const std::string key = group.key;
  const uint64_t rows = group.rows;
  records_[key] = record;
  if (!scheduler_.add(std::move(group))) {
    records_.erase(key);
    ++earlier_groups_;
    earlier_rows_ += rows;
    write_group(record, journal_.group(key)->task, true, false);
  }
}

void BulkImporter::write_summary(const std::vector<PartitionCount>& counts) {
  const auto& c = scheduler_.counts();
  rapidjson::Document summary(rapidjson::kObjectType);
  auto& a = summary.GetAllocator();
  auto text = [&](const std::string& s) { return rapidjson::Value(s.c_str(), rapidjson::SizeType(s.size()), a); };
  summary.AddMember("kind", "summary", a);
  summary.AddMember("tool", "mm-bulkinsert", a);
  summary.AddMember("server", text(client_.address()), a);
  summary.AddMember("server_version", text(rules_.version.text), a);
  summary.AddMember("imported_groups", c.imported_groups, a);
  summary.AddMember("imported_rows", c.imported_rows, a);
  summary.AddMember("resumed_groups", c.resumed_groups, a);
  summary.AddMember("resumed_rows", c.resumed_rows, a);
  summary.AddMember("resubmitted_groups", c.resubmitted_groups, a);
  summary.AddMember("reconciled_groups", c.reconciled_groups, a);
  summary.AddMember("reconciled_rows", c.reconciled_rows, a);
  summary.AddMember("earlier_groups", earlier_groups_, a);
  summary.AddMember("earlier_rows", earlier_rows_, a);
  int64_t leftover_total = 0;
  rapidjson::Value partitions(rapidjson::kArrayType);
  for (const auto& p : counts) {
    leftover_total += p.leftover;
    auto it = scheduler_.rows_this_run().find({p.collection, p.partition});
    rapidjson::Value o(rapidjson::kObjectType);
    o.AddMember("collection", text(p.collection), a);
    o.AddMember("partition", text(p.partition), a);
    o.AddMember("baseline", p.baseline, a);
    o.AddMember("imported", p.imported, a);
    o.AddMember("imported_this_run", it == scheduler_.rows_this_run().end() ? uint64_t(0) : it->second, a);
    o.AddMember("rows", p.rows, a);
    o.AddMember("leftover", p.leftover, a);
    o.AddMember("visible", p.visible(), a);
    o.AddMember("ok", p.ok(), a);
    partitions.PushBack(o, a);
  }
  summary.AddMember("leftover_rows", leftover_total, a);
  summary.AddMember("partitions", partitions, a);
  out_.write(summary);
}

void BulkImporter::finish() {
  scheduler_.finish();
  progress_.finish();
  auto counts = count_partitions(client_, journal_, rules_, setup_.touched());
  write_summary(counts);
  std::string bad = count_problem(counts);
  if (!bad.empty()) fail("verification failed: " + bad);
  int64_t leftover = 0;
  for (const auto& p : counts) leftover += p.leftover;
  log_info("verified row counts of " + std::to_string(counts.size()) + " partitions" +
           (leftover ? " (" + std::to_string(leftover) + " rows left by failed imports not counted)" : ""));
  std::map<std::string, int64_t> unindexable;  // 2.2/2.3: rows of failed imports' segments, which no index covers
  for (const auto& p : counts) unindexable[p.collection] += p.leftover;
  post_.run(setup_.collections(), unindexable);
}

}  // namespace mm::milvus2x
