// mm-npy: converts scanned segment records into NumPy import groups, several groups at once.
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <thread>

#include "../common/cli.hpp"
#include "errors.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "milvus1x/names.hpp"
#include "npy/group_writer.hpp"
#include "tool_main.hpp"

using namespace mm;
using namespace mm::npy;

namespace {

uint64_t parse_size(const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    bad_usage("--group-size: not a size: \"" + text + "\"");
  }
  std::string unit = text.substr(used);
  static const std::map<std::string, double> units = {
      {"", 1}, {"B", 1}, {"K", 1024}, {"KiB", 1024}, {"M", 1 << 20}, {"MiB", 1 << 20}, {"G", 1 << 30}, {"GiB", 1 << 30}};
  auto it = units.find(unit);
  if (it == units.end() || value <= 0) bad_usage("--group-size: not a size: \"" + text + "\" (e.g. 512M, 1G)");
  return uint64_t(value * it->second);
}

// Runs write jobs on N threads; remembers the first failure and stops taking work after it.
class WorkerPool {
 public:
  explicit WorkerPool(unsigned workers) {
    for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { loop(); });
    capacity_ = workers;
  }
  // Blocks while the queue is full, so memory stays bounded however fast the input arrives.
  bool submit(std::function<void()> job) {
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [&] { return queue_.size() < capacity_ || error_; });
    if (error_) return false;
    queue_.push_back(std::move(job));
    ready_.notify_one();
    return true;
  }
  // Waits for the queued jobs; rethrows the first failure.
  void finish() {
    join();
    if (error_) std::rethrow_exception(error_);
  }
  // Unwinding after an error in the caller: workers finish their current job and stop.
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.clear();
    }
    join();
  }

 private:
  void join() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  void loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || closed_ || error_; });
        if (error_ || queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
        space_.notify_one();
      }
      try {
        job();
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
        ready_.notify_all();
        space_.notify_all();
        return;
      }
    }
  }
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<std::function<void()>> queue_;
  size_t capacity_ = 1;
  bool closed_ = false;
  std::exception_ptr error_;
};

struct PartitionTotals {
  uint64_t rows = 0, groups = 0;
};

int run(int argc, char** argv) {
  cxxopts::Options options("mm-npy", "Convert the scanned segment records of MANIFEST (default: stdin) into NumPy import groups under --out, dropping deleted rows, and print a group record per group on stdout. Other records pass through.");
  options.add_options("Conversion")
    ("out", "output directory; groups go to OUT/<collection>/<partition>/<group>/", cxxopts::value<std::string>(), "DIR")
    ("group-size", "largest group payload (vectors + ids), e.g. 512M, 4G; at most 16G", cxxopts::value<std::string>()->default_value("1G"), "SIZE")
    ("j,jobs", "groups written at once", cxxopts::value<unsigned>()->default_value(std::to_string(std::max(1u, std::thread::hardware_concurrency()))), "N")
    ("id-field", "2.x primary key field name (names the id file)", cxxopts::value<std::string>()->default_value("id"), "NAME")
    ("vector-field", "2.x vector field name (names the vector file)", cxxopts::value<std::string>()->default_value("data"), "NAME");
  auto parsed = cli::parse_manifest_tool(options, argc, argv);
  if (!parsed) return kExitOk;
  const auto& result = *parsed;
  if (!result.count("out")) bad_usage("--out DIR is required");
  const std::string out_dir = result["out"].as<std::string>();
  const uint64_t group_bytes = parse_size(result["group-size"].as<std::string>());
  if (group_bytes > kMaxGroupBytes) bad_usage("--group-size: at most 16G (Milvus 2.x imports at most 16 GiB per group)");
  const unsigned jobs = result["jobs"].as<unsigned>();
  if (jobs == 0) bad_usage("--jobs: at least 1");
  FieldNames fields{result["id-field"].as<std::string>(), result["vector-field"].as<std::string>()};
  if (fields.id == fields.vector) bad_usage("--id-field and --vector-field must differ");
  for (const auto& name : {fields.id, fields.vector})
    if (!milvus1x::is_valid_2x_name(name)) bad_usage("\"" + name + "\" is not a valid Milvus 2.x field name");

  ManifestReader in(result["manifest"].as<std::string>());
  ManifestWriter out;
  GroupPlanner planner(group_bytes);
  Progress progress("converted", 0, 0);
  WorkerPool pool(jobs);
  std::mutex totals_mutex;
  std::map<std::pair<std::string, std::string>, PartitionTotals> totals;
  uint64_t reused = 0;

  auto submit = [&](std::vector<GroupPlan> plans) {
    for (auto& plan : plans) {
      bool accepted = pool.submit([&, plan = std::move(plan)] {
        GroupOutput written = write_group(plan, out_dir, fields, [&](uint64_t bytes) { progress.add(0, bytes); });
        progress.add(1, 0);
        out.write_line(group_record(plan, written, fields));
        std::lock_guard<std::mutex> lock(totals_mutex);
        auto& t = totals[{plan.collection, plan.partition}];
        t.rows += plan.rows;
        t.groups += 1;
        reused += written.reused;
      });
      if (!accepted) return false;
    }
    return true;
  };

  rapidjson::Document record;
  bool ok = true;
  while (ok && in.next(record)) {
    if (std::string(kind_of(record)) != "segment") {
      out.write_line(in.line());
      continue;
    }
    auto segment = milvus1x::segment_from_record(record);
    if (!segment.scanned) bad_data(in.where() + ": segment " + segment.segment_id + " has not been scanned (run mm-scan first)");
    ok = submit(planner.add(segment));
  }
  if (ok) submit(planner.finish());
  pool.finish();
  progress.finish();

  uint64_t rows = 0, groups = 0;
  std::string parts;
  for (const auto& [key, t] : totals) {
    rows += t.rows;
    groups += t.groups;
    parts += std::string(parts.empty() ? "" : ",") + "{\"collection\":\"" + key.first + "\",\"partition\":\"" +
             key.second + "\",\"rows\":" + std::to_string(t.rows) + ",\"groups\":" + std::to_string(t.groups) + "}";
  }
  out.write_line("{\"kind\":\"summary\",\"tool\":\"mm-npy\",\"groups\":" + std::to_string(groups) +
                 ",\"reused_groups\":" + std::to_string(reused) + ",\"rows\":" + std::to_string(rows) +
                 ",\"partitions\":[" + parts + "]}");
  log_info(std::to_string(groups) + " groups (" + std::to_string(reused) + " complete from an earlier run), " +
           std::to_string(rows) + " rows");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return run_tool("mm-npy", [&] { return run(argc, argv); });
}
