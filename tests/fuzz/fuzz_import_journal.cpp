// mm-bulkinsert's import journal as a rerun reads it: ImportJournal(path) replays every entry,
// then the questions a rerun asks of it and one more entry appended.
#include "fuzz_common.hpp"
#include "milvus2x/import_journal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mm::fuzz::quiet();
  const std::string path = mm::fuzz::scratch() + "/import.journal";
  mm::fuzz::write_file(path, data, size);
  mm::fuzz::expect_refusal_only([&] {
    mm::milvus2x::ImportJournal journal(path);
    (void)journal.server_version();
    (void)journal.completed_rows();
    for (const auto& f : journal.failed_tasks()) (void)journal.knows_failed(f.task);
    (void)journal.baseline("c", "_default");
    (void)journal.group("g0");
    (void)journal.overlapping("g-new", {{"t/1", 0, 10}});
    journal.check_target("localhost:19530", "default");
    journal.note_server_version("2.3.21");
    journal.record_submitting("g-new", "c", "_default", 10, {{"t/1", 0, 10}});
  });
  return 0;
}
