#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "errors.hpp"
#include "milvus2x/import_journal.hpp"

using namespace mm;
using namespace mm::milvus2x;

namespace {
struct TempJournal {
  TempJournal() {
    char name[] = "/tmp/mm-journal-test.XXXXXX";
    int fd = mkstemp(name);
    ::close(fd);
    path = name;
  }
  ~TempJournal() { ::unlink(path.c_str()); }
  std::string text() const {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string path;
};
const std::vector<RowRange> kPieces = {{"1/2", 0, 100}};
}  // namespace

BOOST_AUTO_TEST_CASE(journal_entries_survive_a_reopen) {
  TempJournal t;
  {
    ImportJournal j(t.path);
    j.check_target("h:19530", "");
    j.note_server_version("v2.3.5");
    j.record_baseline("c", "p", 7);
    j.record_submitting("c/p/g0", "c", "p", 100, kPieces);
    j.record_submitted("c/p/g0", 41);
    j.record_completed("c/p/g0", 41, 100);
    j.record_submitting("c/p/g1", "c", "p", 50, {{"1/2", 100, 50}});
  }
  ImportJournal j(t.path);
  BOOST_TEST(j.server_version() == "v2.3.5");
  BOOST_TEST(*j.baseline("c", "p") == 7);
  BOOST_TEST(j.group("c/p/g0")->completed);
  BOOST_TEST(j.group("c/p/g0")->server_version == "v2.3.5");
  BOOST_TEST(j.group("c/p/g1")->task == 0);  // submitting, never submitted
  BOOST_TEST((j.completed_rows()[{"c", "p"}]) == 100u);
  BOOST_CHECK_THROW(j.check_target("other:19530", ""), Error);
}

BOOST_AUTO_TEST_CASE(journal_notes_a_new_server_version_once) {
  TempJournal t;
  ImportJournal j(t.path);
  j.note_server_version("v2.3.5");
  j.note_server_version("v2.3.5");
  j.note_server_version("v2.6.3");
  j.record_submitting("c/p/g", "c", "p", 1, kPieces);
  j.record_submitted("c/p/g", 9);
  std::string text = t.text();
  size_t count = 0;
  for (size_t at = 0; (at = text.find("\"event\":\"server\"", at)) != std::string::npos; ++at) ++count;
  BOOST_TEST(count == 2u);
  BOOST_TEST(j.group("c/p/g")->server_version == "v2.6.3");
}

BOOST_AUTO_TEST_CASE(reconciled_groups_count_when_present_and_free_the_rows_when_absent) {
  TempJournal t;
  {
    ImportJournal j(t.path);
    j.record_submitting("c/p/a", "c", "p", 10, {{"1/1", 0, 10}});
    j.record_submitted("c/p/a", 5);
    j.record_reconciled("c/p/a", 5, 10, true);
    j.record_submitting("c/p/b", "c", "p", 20, {{"1/2", 0, 20}});
    j.record_reconciled("c/p/b", 0, 20, false);
  }
  ImportJournal j(t.path);
  BOOST_TEST(j.group("c/p/a")->completed);
  BOOST_TEST(!j.group("c/p/b")->completed);
  BOOST_TEST(j.group("c/p/b")->failed);
  BOOST_TEST((j.completed_rows()[{"c", "p"}]) == 10u);
  // Another group may now take b's rows, never a's.
  BOOST_TEST(!j.overlapping("c/p/b2", {{"1/2", 0, 20}}));
  BOOST_TEST(*j.overlapping("c/p/a2", {{"1/1", 5, 1}}) == "c/p/a");
  BOOST_TEST(j.failed_tasks().empty());  // an absent group left nothing behind
}

BOOST_AUTO_TEST_CASE(journal_drops_a_torn_last_line_and_refuses_a_torn_middle) {
  TempJournal t;
  {
    ImportJournal j(t.path);
    j.record_submitting("c/p/a", "c", "p", 10, kPieces);
  }
  { std::ofstream(t.path, std::ios::app) << "{\"event\":\"submit"; }
  {
    ImportJournal j(t.path);  // the torn line is dropped and ended
    j.record_submitted("c/p/a", 3);
  }
  {
    ImportJournal reread(t.path);
    BOOST_TEST(reread.group("c/p/a")->task == 3);
  }
  {
    std::ofstream(t.path, std::ios::app) << "garbage\n{\"event\":\"submitted\",\"group\":\"c/p/a\",\"task\":4}\n";
  }
  try {
    ImportJournal bad(t.path);
    BOOST_FAIL("a torn line in the middle was accepted");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find(":3: not a journal entry") != std::string::npos, e.what());
  }
  { std::ofstream(t.path) << "\x7f" "ELF binary\n"; }
  try {
    ImportJournal bad(t.path);
    BOOST_FAIL("a file that is not a journal was accepted");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find(":1: not a journal entry") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(journal_refuses_overlapping_rows_and_regrouped_groups) {
  TempJournal t;
  ImportJournal j(t.path);
  j.record_submitting("c/p/a", "c", "p", 100, {{"1/2", 0, 100}});
  BOOST_TEST(*j.overlapping("c/p/b", {{"1/2", 99, 10}}) == "c/p/a");
  BOOST_TEST(!j.overlapping("c/p/b", {{"1/2", 100, 10}}));
  BOOST_TEST(*j.overlapping("c/p/a", {{"1/2", 0, 50}}) == "c/p/a");
  j.record_submitted("c/p/a", 1);
  j.record_failed("c/p/a", 1, "gone", 0, {});
  BOOST_TEST(!j.overlapping("c/p/b", {{"1/2", 99, 10}}));  // a failed group holds no rows
}
