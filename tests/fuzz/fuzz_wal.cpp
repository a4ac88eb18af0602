// The 1.x write-ahead log as mm-meta --wal reads it: check_wal over a WAL directory whose 0.wal is
// the input, against collection "c" (flush_lsn 100) with partition tag "t" (flush_lsn 1000).
// Property: an unflushed entry names a live (collection, tag) and its last lsn is past that
// table's flush_lsn.
#include "fuzz_common.hpp"
#include "milvus1x/wal_check.hpp"
#include "records/catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  using namespace mm::milvus1x;
  static const std::string dir = mm::fuzz::scratch() + "/wal";
  static const bool made = std::filesystem::create_directories(dir);
  (void)made;
  mm::fuzz::write_file(dir + "/0.wal", data, size);

  MetaRows rows;
  rows.source = "fuzz";
  TableRow c, p;
  c.table_id = "c", c.flush_lsn = 100;
  p.table_id = "1614924431171826000", p.owner_table = "c", p.partition_tag = "t", p.flush_lsn = 1000;
  rows.tables = {c, p};
  Catalog catalog;
  catalog.collections.push_back(Collection{});
  catalog.collections.back().name = "c";
  catalog.partitions.push_back(Partition{"c", "t", "t", p.table_id});

  mm::fuzz::expect_refusal_only([&] {
    const WalCheck check = check_wal(dir, rows, catalog);
    for (const auto& u : check.unflushed) {
      const bool partition = u.tag == "t";
      if (u.collection != "c" || !(u.tag.empty() || partition))
        mm::fuzz::require(false, "an unflushed entry of a table that is not live");
      mm::fuzz::require(int64_t(u.last_lsn) > (partition ? 1000 : 100), "an unflushed entry at or before flush_lsn");
      (void)describe(u);
      (void)mm::records::to_json(u, dir);
    }
  });
  return 0;
}
