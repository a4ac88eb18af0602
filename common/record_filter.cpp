#include "record_filter.hpp"

#include "ordered_output.hpp"
#include "task_group.hpp"

namespace mm {

void run_filter(ManifestReader& in, ManifestWriter& out, const FilterOptions& options,
                const std::function<RecordWork(const rapidjson::Document& record, const std::string& line)>& take) {
  OrderedOutput ordered(out);
  // Unordered, a line is printed as it comes; ordered, once every earlier one is.
  auto print = [&](uint64_t slot, std::string line) {
    if (options.ordered)
      ordered.complete(slot, std::move(line));
    else if (!line.empty())
      out.write_line(line);
  };
  TaskGroup tasks(options.jobs);
  rapidjson::Document record;
  bool accepted = true;
  while (accepted && in.next(record)) {
    const uint64_t slot = options.ordered ? ordered.reserve() : 0;
    if (kind_of(record) != options.kind) {
      print(slot, in.line());
      continue;
    }
    RecordWork work;
    at_record(in, [&] { work = take(record, in.line()); });
    if (options.jobs == 1 && options.ordered)  // the same output without a thread
      print(slot, work());
    else
      accepted = tasks.spawn([&print, slot, work = std::move(work)] { print(slot, work()); });
  }
  tasks.wait();
}

}  // namespace mm
