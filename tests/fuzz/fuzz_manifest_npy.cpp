// A manifest as mm-npy consumes it: ManifestReader, kind_of, records::read_segment, and the group
// planner (GroupPlanner) over the scanned segments, with a small and the default group size (and
// the default first group size). The
// records pass through to_json as mm-scan writes them back. The harness works in its scratch
// directory, where seg.rv, seg.uid (1 GiB each, sparse) and seg.del exist for the seeds to name.
#include <fcntl.h>
#include <unistd.h>
#include <rapidjson/document.h>

#include "fuzz_common.hpp"
#include "manifest.hpp"
#include "milvus1x/catalog.hpp"
#include "npy/group_plan.hpp"
#include "records/catalog.hpp"

namespace {

void setup() {
  static bool done = [] {
    const std::string& dir = mm::fuzz::scratch();
    for (const char* name : {"seg.rv", "seg.uid"}) {
      int fd = ::open((dir + "/" + name).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd < 0 || ftruncate(fd, off_t(1) << 30) != 0) std::abort();
      ::close(fd);
    }
    mm::fuzz::write_file(dir + "/seg.del", std::string("\x08\0\0\0\0\0\0\0\1\0\0\0\2\0\0\0", 16));
    if (chdir(dir.c_str()) != 0) std::abort();
    return true;
  }();
  (void)done;
}

void plan(const std::string& path, uint64_t group_bytes) {
  mm::ManifestReader in(path);
  mm::npy::GroupPlanner planner(group_bytes, mm::npy::kDefaultFirstGroupBytes);
  rapidjson::Document record;
  uint64_t groups = 0;
  while (in.next(record)) {
    if (std::string(mm::kind_of(record)) != "segment") continue;
    auto segment = mm::records::read_segment(record);
    (void)mm::records::to_json(segment);
    if (!segment.scanned) continue;  // mm-npy refuses it with one line
    groups += planner.add(segment).size();
  }
  groups += planner.finish().size();
  (void)groups;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  setup();
  const std::string path = mm::fuzz::scratch() + "/manifest.jsonl";
  mm::fuzz::write_file(path, data, size);
  mm::fuzz::expect_refusal_only([&] { plan(path, 4096); });
  mm::fuzz::expect_refusal_only([&] { plan(path, mm::npy::kDefaultGroupBytes); });
  return 0;
}
