#include "record_filter.hpp"

#include <algorithm>

#include "ordered_output.hpp"
#include "task_group.hpp"

namespace mm {

void run_filter(ManifestReader& in, ManifestWriter& out, const FilterOptions& options, const TakeRecord& take,
                const std::function<RecordWorks()>& finish) {
  OrderedOutput ordered(out);
  // Unordered, a line is printed as it comes; ordered, once every earlier one is.
  auto print = [&](uint64_t slot, std::string line) {
    if (options.ordered)
      ordered.complete(slot, std::move(line));
    else if (!line.empty())
      out.write_line(line);
  };
  TaskGroup tasks(options.jobs);
  bool accepted = true;
  auto run = [&](RecordWorks works) {
    for (auto& work : works) {
      const uint64_t slot = options.ordered ? ordered.reserve() : 0;
      if (options.jobs == 1 && options.ordered)  // the same output without a thread
        print(slot, work());
      else
        accepted = tasks.spawn([&print, slot, work = std::move(work)] { print(slot, work()); });
      if (!accepted) return;
    }
  };
  rapidjson::Document record;
  while (accepted && in.next(record)) {
    if (std::find(options.kinds.begin(), options.kinds.end(), kind_of(record)) == options.kinds.end()) {
      print(options.ordered ? ordered.reserve() : 0, in.line());
      continue;
    }
    RecordWorks works;
    at_record(in, [&] { works = take(record, in.line()); });
    run(std::move(works));
  }
  if (accepted && finish) run(finish());
  tasks.wait();
}

}  // namespace mm
