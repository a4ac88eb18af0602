// milvus-migration's meta.json as mm-meta --json reads it: read_meta_json, then the 1.x selection
// rules (select_catalog) and the records mm-meta prints.
#include "fuzz_common.hpp"
#include "milvus1x/meta_readers.hpp"
#include "records/catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  const std::string path = mm::fuzz::scratch() + "/meta.json";
  mm::fuzz::write_file(path, data, size);
  mm::fuzz::expect_refusal_only([&] {
    auto rows = mm::milvus1x::read_meta_json(path);
    auto catalog = mm::milvus1x::select_catalog(rows, {}, [](const std::string&) {});
    for (const auto& c : catalog.collections) (void)mm::records::to_json(c);
    for (const auto& p : catalog.partitions) (void)mm::records::to_json(p);
    for (const auto& s : catalog.segments) (void)mm::records::to_json(s);
  });
  return 0;
}
