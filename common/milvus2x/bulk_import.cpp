#include "milvus2x/bulk_import.hpp"

#include <sys/stat.h>

#include "errors.hpp"
#include "milvus2x/import_probe.hpp"
#include "records/store.hpp"
#include "records/summary.hpp"

namespace mm::milvus2x {
namespace {

// The group's size as the server counts it: its files, headers included.
uint64_t group_bytes(const records::Group& g) {
  if (g.bytes) return *g.bytes;
  uint64_t total = 0;
  for (const auto& [field, path] : g.files) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) total += uint64_t(st.st_size);
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

void BulkImporter::write_group(records::Group group, int64_t job, bool earlier_run, bool resumed) {
  auto& import = group.import.emplace();
  import.task = job;
  import.earlier_run = earlier_run;
  if (!earlier_run) import.resumed = resumed;
  out_.write_line(records::to_json(group));
}

void BulkImporter::on_store(const rapidjson::Value& r) {
  if (store_) return;  // mm-fanout merge passes one per job: the same store
  const auto record = records::read_store(r);
  rapidjson::Document spec;
  parse_json(spec, record.store);
  store_.emplace(storage::read_store_spec(spec, "store record"), record.prefix);
  // mm-upload writes the store record first: a fresh run probes now, while the first group is
  // still converted and uploaded upstream. A rerun probes at its first group not yet imported
  // (there may be none).
  if (journal_.completed_rows().empty()) probe_once();
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

void BulkImporter::on_group(const rapidjson::Value& record) {
  records::Group g = records::read_group(record);
  g.import.reset();  // a record that went through mm-bulkinsert before
  const std::string &collection = g.collection, &partition = g.partition, &name = g.name;
  if (!setup_.knows(collection)) bad_data("group " + name + " arrives before its collection record " + collection);
  if (!g.upload && !g.has_files) bad_data("group " + name + ": no \"files\" or \"objects\"");
  // What the server reads: the uploaded objects, else the local files.
  auto source = [&](const std::string& field) {
    const std::string* path = g.upload ? g.object(field) : g.file(field);
    if (!path) bad_data("group " + name + ": no " + (g.upload ? "objects." : "files.") + field);
    return *path;
  };

  ScheduledGroup group;
  group.key = collection + "/" + partition + "/" + name;
  if (!seen_.insert(group.key).second) {
    log_warning("group " + group.key + " appears again in the manifest: imported once, counted once");
    return;
  }
  group.target = {collection, partition, {source(options_.id_field), source(options_.vector_field)}};
  group.rows = g.required_rows();
  group.bytes = group_bytes(g);
  if (group.bytes >= kMaxImportGroupBytes)
    bad_data("group " + group.key + " holds " + human_bytes(double(group.bytes)) +
             " with its NumPy headers; Milvus imports less than 16 GiB per group: convert with a smaller --group-size");
  if (g.pieces)
    for (const auto& p : *g.pieces) group.pieces.push_back(RowRange{p.table_id + "/" + p.segment_id, p.first_live, p.rows});
  setup_.prepare_partition(collection, partition);
  const std::string *id_file = g.file(options_.id_field), *vector_file = g.file(options_.vector_field);
  if (id_file && vector_file) post_.add_sample_source(collection, *id_file, *vector_file);  // readable here

  if (const JournalGroup* earlier = journal_.group(group.key); !earlier || !earlier->completed) probe_once();
  const std::string key = group.key;
  const uint64_t rows = group.rows;
  records_[key] = g;
  if (!scheduler_.add(std::move(group))) {
    records_.erase(key);
    ++earlier_groups_;
    earlier_rows_ += rows;
    write_group(std::move(g), journal_.group(key)->task, true, false);
  }
}

void BulkImporter::write_summary(const std::vector<PartitionCount>& counts) {
  const auto& c = scheduler_.counts();
  records::BulkinsertSummary s{client_.address(),   rules_.version.text, c.imported_groups,    c.imported_rows,
                               c.resumed_groups,    c.resumed_rows,      c.resubmitted_groups, c.reconciled_groups,
                               c.reconciled_rows,   earlier_groups_,     earlier_rows_,        {}};
  for (const auto& p : counts) {
    auto it = scheduler_.rows_this_run().find({p.collection, p.partition});
    const uint64_t this_run = it == scheduler_.rows_this_run().end() ? 0 : it->second;
    s.partitions.push_back({p.collection, p.partition, p.baseline, p.imported, this_run, p.rows, p.leftover, p.visible(), p.ok()});
  }
  out_.write_line(records::to_json(s));
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
