#include "milvus2x/bulk_import.hpp"
#include "milvus2x/sample_check.hpp"
#include "milvus2x/schema_check.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

#include "errors.hpp"
#include "log.hpp"
#include "milvus2x/index_map.hpp"

namespace mm::milvus2x {
namespace {


std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string member_json(const rapidjson::Value& r, const char* field) {
  auto it = r.FindMember(field);
  if (it == r.MemberEnd()) return "{}";
  return it->value.IsString() ? it->value.GetString() : to_json(it->value);
}

// The byte offset of the data in a .npy file (after its header).
uint64_t npy_data_offset(int fd, const std::string& path) {
  unsigned char head[12];
  if (pread(fd, head, sizeof head, 0) != ssize_t(sizeof head) || std::string(reinterpret_cast<char*>(head) + 1, 5) != "NUMPY")
    bad_data(path + ": not a NumPy file");
  if (head[6] == 1) return 10 + (uint64_t(head[8]) | uint64_t(head[9]) << 8);
  return 12 + (uint64_t(head[8]) | uint64_t(head[9]) << 8 | uint64_t(head[10]) << 16 | uint64_t(head[11]) << 24);
}

struct FileHandle {
  explicit FileHandle(const std::string& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd < 0) fail_errno(path, "cannot open a source file for --verify-sample", errno);
  }
  ~FileHandle() { ::close(fd); }
  int fd;
};

std::string read_at(int fd, const std::string& path, uint64_t offset, size_t n) {
  std::string bytes(n, '\0');
  if (pread(fd, bytes.data(), n, off_t(offset)) != ssize_t(n)) fail_errno(path, "cannot read", errno);
  return bytes;
}

}  // namespace

BulkImporter::BulkImporter(Client& client, ImportJournal& journal, ManifestWriter& out, ImportOptions options, Progress& progress)
    : client_(client), journal_(journal), out_(out), options_(std::move(options)), progress_(progress) {}

void BulkImporter::consume(rapidjson::Document& record, const std::string& line) {
  std::string kind = kind_of(record);
  if (kind == "collection") on_collection(record);
  if (kind == "partition") on_partition(record);
  if (kind == "group") return on_group(record);
  out_.write_line(line);
}

void BulkImporter::on_collection(const rapidjson::Value& r) {
  std::string name = get_string(r, "collection");
  CollectionInfo info;
  info.dim = int(get_int(r, "dim"));
  info.binary = get_string(r, "vector") == "binary";
  info.metric = r.HasMember("metric") ? int(get_int(r, "metric")) : 1;
  info.engine_type = r.HasMember("index_type") ? int(get_int(r, "index_type")) : 1;
  info.index_params = member_json(r, "index_params");
  const std::string where = "milvus " + client_.address() + ": collection " + name + " exists with an incompatible schema: ";

  if (client_.has_collection(name)) {
    if (auto problem = schema_problem(client_, name, options_.id_field, options_.vector_field, info.binary, info.dim))
      fail(where + *problem);
    log_info("collection " + name + " exists with a compatible schema");
  } else {
    client_.create_collection(name, options_.id_field, options_.vector_field, info.binary ? VectorType::Binary : VectorType::Float,
                              info.dim, "Migrated from Milvus 1.x by milvus-mm");
    log_info("created collection " + name + " (" + (info.binary ? "BinaryVector" : "FloatVector") + ", dim " +
             std::to_string(info.dim) + ")");
  }
  collections_[name] = info;
  ensure_baseline(name, "_default");
}

void BulkImporter::on_partition(const rapidjson::Value& r) {
  std::string collection = get_string(r, "collection"), partition = get_string(r, "partition");
  if (!collections_.count(collection)) bad_data("partition " + partition + " arrives before its collection " + collection);
  if (partition != "_default" && !client_.has_partition(collection, partition)) {
    client_.create_partition(collection, partition);
    log_info("created partition " + collection + "/" + partition + " (1.x tag \"" + get_string_or(r, "tag", "") + "\")");
  }
  ensure_baseline(collection, partition);
}

void BulkImporter::ensure_baseline(const std::string& collection, const std::string& partition) {
  auto key = std::make_pair(collection, partition);
  if (std::find(touched_.begin(), touched_.end(), key) == touched_.end()) touched_.push_back(key);
  if (journal_.baseline(collection, partition)) return;
  journal_.record_baseline(collection, partition, client_.partition_rows(collection, partition));
}

void BulkImporter::on_group(rapidjson::Document& r) {
  std::string collection = get_string(r, "collection"), partition = get_string_or(r, "partition", "_default");
  std::string name = get_string(r, "name");
  r.RemoveMember("import");  // a record that went through mm-bulkinsert before
  if (!collections_.count(collection)) bad_data("group " + name + " arrives before its collection record " + collection);
  const char* source = r.HasMember("objects") ? "objects" : "files";
  if (!r.HasMember(source) || !r[source].IsObject()) bad_data("group " + name + ": no \"files\" or \"objects\"");
  std::vector<std::string> files = {get_string(r[source], options_.id_field.c_str()),
                                    get_string(r[source], options_.vector_field.c_str())};
  if (partition != "_default" && !journal_.baseline(collection, partition)) {
    if (!client_.has_partition(collection, partition)) client_.create_partition(collection, partition);
  }
  ensure_baseline(collection, partition);
  if (r.HasMember("files") && r["files"].IsObject()) {
    const auto& f = r["files"];
    const auto& info = collections_[collection];
    samples_.push_back({collection, get_string(f, options_.id_field.c_str()), get_string(f, options_.vector_field.c_str()),
                        get_uint(r, "rows"), uint64_t(info.binary ? info.dim / 8 : info.dim * 4)});
  }

  Running job;
  job.key = collection + "/" + partition + "/" + name;
  job.collection = collection;
  job.partition = partition;
  job.rows = get_uint(r, "rows");
  job.bytes = r.HasMember("bytes") && r["bytes"].IsUint64() ? r["bytes"].GetUint64() : 0;
  job.files = files;
  job.last_change = std::chrono::steady_clock::now();
  if (r.HasMember("pieces") && r["pieces"].IsArray())
    for (const auto& p : r["pieces"].GetArray())
      job.pieces.push_back(RowRange{get_string(p, "table_id") + "/" + get_string(p, "segment_id"), get_uint(p, "first_live"),
                                    get_uint(p, "rows")});
  // Rows go in exactly once: a group cut differently from an earlier run (another --group-size)
  // must not import rows an earlier group already holds.
  if (auto other = journal_.overlapping(job.key, job.pieces))
    fail("group " + job.key + (*other == job.key ? " holds other rows than the group of that name" : " overlaps rows of group " + *other) +
         " in the journal " + journal_.path() + "; convert with the same --group-size as before");

  const JournalGroup* earlier = journal_.group(job.key);
  if (earlier && earlier->completed) {
    ++earlier_groups_;
    earlier_rows_ += job.rows;
    rapidjson::Value import(rapidjson::kObjectType);
    import.AddMember("task", earlier->task, r.GetAllocator());
    import.AddMember("state", "completed", r.GetAllocator());
    import.AddMember("earlier_run", true, r.GetAllocator());
    r.AddMember("import", import, r.GetAllocator());
    out_.write(r);
    return;
  }
  job.record = to_json(r);
  wait_for_slot(options_.in_flight);
  // A task of an earlier run that has not failed may still complete: wait for it, never submit the
  // group beside it.
  if (earlier && !earlier->failed) {
    std::optional<int64_t> task;
    if (earlier->task) task = earlier->task;
    if (!task) task = find_submitted(job);  // crashed between submitting and noting the task id
    if (task) {
      if (!earlier->task) journal_.record_submitted(job.key, *task);
      log_info(std::string(earlier->stalled ? "checking again" : "waiting for") + " import task " + std::to_string(*task) + " of " +
               job.key + " from an earlier run" + (earlier->stalled ? ", which stalled there" : ""));
      job.task = *task;
      job.earlier_run = true;
      running_.push_back(std::move(job));
      return;
    }
  }
  if (earlier && earlier->failed) ++resubmitted_groups_;
  submit(std::move(job));
}

// The task an earlier run submitted for these files, if the server has one that has not failed.
// Failed ones are noted in the journal with what they left behind.
std::optional<int64_t> BulkImporter::find_submitted(const Running& job) {
  std::set<std::string> wanted(job.files.begin(), job.files.end());
  std::optional<int64_t> found;
  for (const auto& task : client_.list_imports(job.collection)) {
    std::set<std::string> listed;
    std::stringstream in(task.files);
    for (std::string f; std::getline(in, f, ',');) listed.insert(f);
    if (listed != wanted) continue;
    if (task.state != ImportProgress::State::Failed)
      found = task.id;
    else if (!journal_.knows_failed(task.id))
      journal_.record_failed(job.key, task.id, task.failed_reason, task.rows, task.segments);
  }
  return found;
}

void BulkImporter::submit(Running job) {
  journal_.record_submitting(job.key, job.collection, job.partition, job.rows, job.pieces);
  job.task = client_.import(job.collection, job.partition, job.files);
  journal_.record_submitted(job.key, job.task);
  job.earlier_run = false;
  job.percent = -1;
  job.last_change = std::chrono::steady_clock::now();
  job.last_note = {};
  log_debug("import task " + std::to_string(job.task) + ": " + job.key + ": " + join(job.files, ", "));
  running_.push_back(std::move(job));
}

void BulkImporter::wait_for_slot(size_t limit) {
  while (running_.size() >= limit && !running_.empty())
    if (!poll_once()) std::this_thread::sleep_for(std::chrono::duration<double>(options_.poll_seconds));
}

bool BulkImporter::poll_once() {
  bool changed = false;
  auto now = std::chrono::steady_clock::now();
  std::vector<Running> again;  // earlier runs' tasks that failed: their groups go in once more
  for (auto it = running_.begin(); it != running_.end();) {
    ImportProgress p = client_.import_state(it->task);
    const std::string what = it->key + " (task " + std::to_string(it->task) + ")";
    if (p.state == ImportProgress::State::Running) {
      // A queued task is not stalled: standalone servers run one import at a time.
      if (p.percent != it->percent || p.pending) {
        it->percent = p.percent;
        it->last_change = now;
        log_debug("import " + what + ": " + std::to_string(p.percent) + "%");
      } else {
        long idle = long(std::chrono::duration_cast<std::chrono::seconds>(now - it->last_change).count());
        // After Milvus 2.3 restarts, a task queued before sits on the DataNode that is gone until the
        // server expires it; and a segment that an import killed before its flush left behind fails
        // the flushes that include it, so imports into its collection can stay persisted (90%) until
        // the server drops that segment. Both happen on its cleanup pass, every 5 minutes.
        std::string hint;
        if (p.percent == 0)
          hint = "; Milvus reports none of the group read: can it reach its object storage? If Milvus restarted, a task "
                 "queued before waits on its lost DataNode until Milvus fails it (rootCoord.importTaskExpiration, "
                 "default 900 s, checked every 5 minutes)";
        if (p.percent == 90)
          hint = "; written but not flushed: if Milvus restarted during an import, the segment that import left can block "
                 "flushes in this collection until Milvus' cleanup pass (every 5 minutes)";
        if (now - it->last_change > std::chrono::seconds(options_.stall_timeout_seconds)) {
          journal_.record_stalled(it->key, it->task, options_.stall_timeout_seconds);
          failures_.push_back("import " + what + " made no progress for " + std::to_string(options_.stall_timeout_seconds) +
                              " s at " + std::to_string(p.percent) + "%" + hint +
                              "; the journal keeps the task: a rerun waits for it and imports the group again only once Milvus reports it failed");
          log_warning(failures_.back());
          it = running_.erase(it);
          changed = true;
          continue;
        }
        if (idle >= 60 && now - it->last_note >= std::chrono::seconds(300)) {
          log_info("waiting for import " + what + ": no progress for " + std::to_string(idle) + " s at " + std::to_string(p.percent) +
                   "%" + hint + " (--stall-timeout " + std::to_string(options_.stall_timeout_seconds) + " s)");
          it->last_note = now;
        }
      }
      ++it;
      continue;
    }
    changed = true;
    if (p.state == ImportProgress::State::Failed) {
      // What it wrote stays in the row-count statistics until Milvus cleans up: noted for the check.
      journal_.record_failed(it->key, it->task, p.failed_reason, p.rows, p.segments);
      std::string reason = p.failed_reason.empty() ? "no reason given" : p.failed_reason;
      if (it->earlier_run) {
        log_warning("import " + what + " of an earlier run failed (" + reason + "); importing the group again");
        ++resubmitted_groups_;
        again.push_back(std::move(*it));
      } else {
        failures_.push_back("import " + what + " failed: " + reason);
        log_warning(failures_.back());
      }
    } else {
      journal_.record_completed(it->key, it->task, int64_t(it->rows));
      imported_rows_ += it->rows;
      ++imported_groups_;
      if (it->earlier_run) {
        ++resumed_groups_;
        resumed_rows_ += it->rows;
      }
      this_run_rows_[{it->collection, it->partition}] += it->rows;
      progress_.add(1, it->bytes, it->rows);
      rapidjson::Document r;
      r.Parse(it->record.c_str());
      rapidjson::Value import(rapidjson::kObjectType);
      import.AddMember("task", it->task, r.GetAllocator());
      import.AddMember("state", "completed", r.GetAllocator());
      import.AddMember("earlier_run", false, r.GetAllocator());
      import.AddMember("resumed", it->earlier_run, r.GetAllocator());
      r.AddMember("import", import, r.GetAllocator());
      out_.write(r);
      log_info("imported " + std::to_string(it->rows) + " rows into " + what);
    }
    it = running_.erase(it);
  }
  for (auto& job : again) submit(std::move(job));
  return changed;
}

// Rows the statistics of a partition count in segments written by failed imports: Milvus 2.3 keeps
// them (not visible to queries) until its cleanup marks them dropped.
BulkImporter::Leftover BulkImporter::leftover(const std::string& collection, const std::string& partition) {
  Leftover l;
  std::optional<std::map<int64_t, SegmentInfo>> segments;
  for (const auto& f : journal_.failed_tasks()) {
    if (f.collection != collection || f.partition != partition || f.segments.empty()) continue;
    if (!segments) segments = client_.segments(collection);
    int64_t rows = 0;
    for (int64_t id : f.segments) {
      auto it = segments->find(id);
      if (it != segments->end() && it->second.counted()) rows += it->second.rows;
    }
    if (rows > 0) {
      l.rows += rows;
      l.tasks.push_back(f.task);
    }
  }
  return l;
}

void BulkImporter::verify_counts() {
  auto imported = journal_.completed_rows();
  std::string bad;
  int64_t leftover_total = 0;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  for (const auto& [collection, partition] : touched_) {
    const std::string where = collection + "/" + partition;
    int64_t baseline = *journal_.baseline(collection, partition), done = int64_t(imported[{collection, partition}]);
    int64_t expected = baseline + done;
    // The statistics count the visible rows plus those in segments that failed imports left.
    int64_t actual = client_.partition_rows(collection, partition);
    Leftover left = leftover(collection, partition);
    // Statistics can trail a just-finished import for a moment; Milvus may drop leftovers meanwhile.
    for (int i = 0; i < 30 && actual - left.rows != expected; ++i) {
      if (actual - left.rows > expected && i >= 2) break;
      std::this_thread::sleep_for(std::chrono::seconds(1));
      actual = client_.partition_rows(collection, partition);
      left = leftover(collection, partition);
    }
    int64_t visible = actual - left.rows;
    leftover_total += left.rows;
    std::string tasks;
    for (int64_t t : left.tasks) tasks += (tasks.empty() ? "" : ", ") + std::to_string(t);
    w.StartObject();
    w.Key("collection");
    w.String(collection.c_str());
    w.Key("partition");
    w.String(partition.c_str());
    w.Key("baseline");
    w.Int64(baseline);
    w.Key("imported");
    w.Int64(done);
    w.Key("imported_this_run");
    w.Uint64(this_run_rows_[{collection, partition}]);
    w.Key("rows");
    w.Int64(actual);
    w.Key("leftover");
    w.Int64(left.rows);
    w.Key("visible");
    w.Int64(visible);
    w.Key("ok");
    w.Bool(visible == expected);
    w.EndObject();
    const std::string sum = std::to_string(expected) + " (" + std::to_string(baseline) + " before + " + std::to_string(done) + " imported)";
    if (left.rows > 0)
      log_info(where + ": the statistics count " + std::to_string(actual) + " rows, " + std::to_string(left.rows) +
               " of them in segments left by failed import task(s) " + tasks + " (queries do not see them): " +
               std::to_string(visible) + " rows, expected " + sum);
    if (visible != expected && bad.empty())
      bad = where + " has " + std::to_string(actual) + " rows" +
            (left.rows ? " in its statistics, " + std::to_string(left.rows) + " of them left by failed import task(s) " + tasks +
                             ", so " + std::to_string(visible) + " visible"
                       : "") +
            ", expected " + sum;
  }
  w.EndArray();
  rapidjson::Document summary(rapidjson::kObjectType);
  auto& a = summary.GetAllocator();
  summary.AddMember("kind", "summary", a);
  summary.AddMember("tool", "mm-bulkinsert", a);
  summary.AddMember("server", rapidjson::Value(client_.address().c_str(), a), a);
  summary.AddMember("imported_groups", imported_groups_, a);
  summary.AddMember("imported_rows", imported_rows_, a);
  summary.AddMember("resumed_groups", resumed_groups_, a);
  summary.AddMember("resumed_rows", resumed_rows_, a);
  summary.AddMember("resubmitted_groups", resubmitted_groups_, a);
  summary.AddMember("earlier_groups", earlier_groups_, a);
  summary.AddMember("earlier_rows", earlier_rows_, a);
  summary.AddMember("leftover_rows", leftover_total, a);
  rapidjson::Document partitions(&a);
  partitions.Parse(buffer.GetString());
  summary.AddMember("partitions", rapidjson::Value(partitions, a), a);
  out_.write(summary);
  if (!bad.empty()) fail("verification failed: " + bad);
  log_info("verified row counts of " + std::to_string(touched_.size()) + " partitions" +
           (leftover_total ? " (" + std::to_string(leftover_total) + " rows left by failed imports not counted)" : ""));
}

void BulkImporter::index_and_load() {
  for (const auto& [name, info] : collections_) {
    if (options_.create_index && !client_.has_index(name, options_.vector_field)) {
      IndexSpec spec = index_for_1x(info.engine_type, info.metric, info.index_params);
      client_.create_index(name, options_.vector_field, spec.index_type, spec.metric, spec.params);
      log_info("building index " + spec.index_type + " " + spec.params + " (" + spec.metric + ") on " + name);
      client_.wait_index(name, options_.vector_field, 3600);
    }
    if (options_.load) {
      if (!client_.has_index(name, options_.vector_field))
        fail("milvus " + client_.address() + ": cannot load " + name + ": it has no index (use --create-index)");
      client_.load(name, 1800);
      log_info("loaded " + name);
    }
  }
}

// Another copy of `id` in the collection's source files carries `vector` (1.x ids may repeat, and a
// Milvus query returns one row per primary key).
bool BulkImporter::source_has_row(const std::string& collection, int64_t id, const std::string& vector) const {
  std::vector<int64_t> ids(1 << 16);
  for (const auto& s : samples_) {
    if (s.collection != collection) continue;
    FileHandle ids_file(s.id_file), vectors(s.vector_file);
    uint64_t id_base = npy_data_offset(ids_file.fd, s.id_file), vec_base = npy_data_offset(vectors.fd, s.vector_file);
    for (uint64_t row = 0; row < s.rows; row += ids.size()) {
      size_t n = size_t(std::min<uint64_t>(ids.size(), s.rows - row));
      std::string chunk = read_at(ids_file.fd, s.id_file, id_base + row * 8, n * 8);
      std::memcpy(ids.data(), chunk.data(), n * 8);
      for (size_t i = 0; i < n; ++i)
        if (ids[i] == id && read_at(vectors.fd, s.vector_file, vec_base + (row + i) * s.row_bytes, s.row_bytes) == vector)
          return true;
    }
  }
  return false;
}

void BulkImporter::verify_sample() {
  std::mt19937_64 random(std::random_device{}());
  for (const auto& [name, info] : collections_) {
    std::vector<const SampleSource*> sources;
    uint64_t total = 0;
    for (const auto& s : samples_)
      if (s.collection == name && s.rows > 0) {
        sources.push_back(&s);
        total += s.rows;
      }
    if (sources.empty()) continue;
    // Pick rows uniformly over the collection, then read each id and vector from the source files.
    std::vector<std::pair<int64_t, std::string>> picked;
    unsigned unreadable = 0;
    for (unsigned i = 0; i < options_.verify_sample; ++i) {
      uint64_t n = random() % total;
      const SampleSource* s = sources[0];
      for (const auto* candidate : sources) {
        if (n < candidate->rows) {
          s = candidate;
          break;
        }
        n -= candidate->rows;
      }
      FileHandle ids(s->id_file), vectors(s->vector_file);
      std::string id_bytes = read_at(ids.fd, s->id_file, npy_data_offset(ids.fd, s->id_file) + n * 8, 8);
      int64_t id;
      std::memcpy(&id, id_bytes.data(), 8);
      if (id == std::numeric_limits<int64_t>::max()) {  // Milvus 2.3 counts this id but never returns it
        ++unreadable;
        continue;
      }
      picked.emplace_back(id, read_at(vectors.fd, s->vector_file, npy_data_offset(vectors.fd, s->vector_file) + n * s->row_bytes, s->row_bytes));
    }
    if (unreadable)
      log_warning("verify-sample: " + name + ": skipped " + std::to_string(unreadable) +
                  " rows with id 2^63-1, which Milvus does not return from queries");
    auto misses = sample_misses(client_, name, options_.id_field, options_.vector_field, picked,
                                [&](int64_t id, const std::string& vector) { return source_has_row(name, id, vector); });
    if (!misses.empty())
      fail("verify-sample: " + name + " id " + std::to_string(misses[0].id) +
           (misses[0].missing ? ": not found in Milvus" : ": the vector in Milvus differs from the source"));
    log_info("verify-sample: " + std::to_string(picked.size()) + " random rows of " + name + " read back bit-exact");
  }
}

void BulkImporter::finish() {
  wait_for_slot(1);
  progress_.finish();
  if (!failures_.empty())
    fail(failures_.front() + (failures_.size() > 1 ? " (and " + std::to_string(failures_.size() - 1) + " more)" : ""));
  verify_counts();
  if (options_.create_index || options_.load || options_.verify_sample) index_and_load();
  if (options_.verify_sample) verify_sample();
}

}  // namespace mm::milvus2x
