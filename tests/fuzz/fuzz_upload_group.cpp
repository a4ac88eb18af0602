// A manifest as mm-upload consumes it with --local: ManifestReader, kind_of, records::read_group, then upload_group
// into a LocalStore under a scratch directory. The files a record names are small files made here
// (seeds name them as src/id.npy and src/data.npy, relative to the scratch directory, which is the
// working directory). Whatever the names in a record, nothing may be written outside the store:
// the harness checks the store's parent directories after every input.
#include <dirent.h>
#include <unistd.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <set>

#include "fuzz_common.hpp"
#include "manifest.hpp"
#include "storage/local_store.hpp"
#include "storage/upload_group.hpp"

namespace {

std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) names.insert(e->d_name);
    closedir(d);
  }
  return names;
}

const std::string& root() {
  static const std::string dir = [] {
    const std::string& s = mm::fuzz::scratch();
    std::filesystem::create_directories(s + "/src");
    std::filesystem::create_directories(s + "/a/b/store");
    mm::fuzz::write_file(s + "/src/id.npy", std::string("\x93NUMPY\x01\x00\x76\x00", 10) + std::string(118, ' ') + "12345678");
    mm::fuzz::write_file(s + "/src/data.npy", std::string("\x93NUMPY\x01\x00\x76\x00", 10) + std::string(118, ' ') + "abcdefghabcdefgh");
    if (chdir(s.c_str()) != 0) std::abort();
    return s;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  const std::string& r = root();
  const std::string path = r + "/manifest.jsonl";
  mm::fuzz::write_file(path, data, size);
  const auto before_a = entries(r + "/a"), before_b = entries(r + "/a/b"), before_r = entries(r);
  mm::fuzz::expect_refusal_only([&] {
    mm::storage::LocalStore store(r + "/a/b/store");
    mm::storage::StreamedUploads streamed(store, 1);  // a local store takes files only whole
    mm::ManifestReader in(path);
    rapidjson::Document record;
    while (in.next(record)) {
      if (std::string(mm::kind_of(record)) != "group") continue;
      auto done = mm::storage::upload_group(mm::records::read_group(record), store, streamed, "files", [](uint64_t) {});
      rapidjson::Document again;
      mm::fuzz::require(mm::parse_json(again, done.record), "upload_group's record is valid JSON");
    }
  });
  mm::fuzz::require(entries(r + "/a") == before_a && entries(r + "/a/b") == before_b && entries(r) == before_r,
                    "upload_group wrote outside the store directory");
  std::error_code ec;
  std::filesystem::remove_all(r + "/a/b/store/files", ec);
  return 0;
}
