// man/mm-manifest.5 against the records the code writes: every field of the group, summary, verify,
// error, plan, store, chunk, unflushed and catalog records is documented in its section, and the page documents no field they lack.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "manifest.hpp"
#include "records/catalog.hpp"
#include "records/chunk.hpp"
#include "records/error.hpp"
#include "records/group.hpp"
#include "records/plan.hpp"
#include "records/store.hpp"
#include "records/summary.hpp"

using namespace mm::records;

namespace {

std::string man_page() {
  std::ifstream in(std::string(MM_SOURCE_DIR) + "/man/mm-manifest.5");
  BOOST_REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The lines from the one starting with `start` to the next one starting with any of `ends`.
std::string section(const std::string& page, const std::string& start, const std::vector<std::string>& ends) {
  auto from = page.find("\n" + start);
  BOOST_REQUIRE_MESSAGE(from != std::string::npos, "no \"" << start << "\" in mm-manifest.5");
  auto to = std::string::npos;
  for (const auto& end : ends) to = std::min(to, page.find("\n" + end, from + 1));
  return page.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

// Top-level fields: `.BR name " (type)"`, or several names joined (`.BR a ", " b " (integers)"`).
std::set<std::string> documented(const std::string& text) {
  std::set<std::string> names;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(".BR ", 0) != 0) continue;
    auto type = line.find("\" (");
    if (type == std::string::npos) continue;
    std::string list = line.substr(4, type - 4), token;
    std::istringstream parts(list);
    for (int i = 0; std::getline(parts, token, '"'); ++i) {
      token.erase(0, token.find_first_not_of(' '));
      token.erase(token.find_last_not_of(' ') + 1);
      if (i % 2 == 0 && !token.empty()) names.insert(token);
    }
  }
  return names;
}

// The top-level fields of a record, and the fields of the objects in its arrays.
std::set<std::string> fields(const std::string& json, std::set<std::string>* nested = nullptr) {
  rapidjson::Document d;
  BOOST_REQUIRE(mm::parse_json(d, json));
  std::set<std::string> names;
  for (const auto& m : d.GetObject()) {
    names.insert(m.name.GetString());
    if (nested && m.value.IsArray())
      for (const auto& item : m.value.GetArray())
        for (const auto& sub : item.GetObject()) nested->insert(sub.name.GetString());
  }
  return names;
}

void check_summary(const std::string& page, const std::string& tool, const std::string& json) {
  const std::string text = section(page, "The summary of " + tool, {"The summary of", ".SS"});
  std::set<std::string> nested;
  BOOST_TEST(documented(text) == fields(json, &nested), "summary of " << tool);
  for (const auto& name : nested) BOOST_TEST(text.find("\n.B " + name + "\n") != std::string::npos, tool << " partitions: " << name);
}

}  // namespace

BOOST_AUTO_TEST_CASE(mm_manifest_5_documents_the_group_record_exactly) {
  const std::string text = section(man_page(), ".SS group", {".SS"});
  std::set<std::string> written(group_fields().begin(), group_fields().end());
  BOOST_TEST(documented(text) == written);
}

BOOST_AUTO_TEST_CASE(mm_manifest_5_documents_every_summary_verify_and_error_record_exactly) {
  const std::string page = man_page();
  check_summary(page, "mm\\-scan", to_json(ScanSummary{}));
  check_summary(page, "mm\\-fetch", to_json(FetchSummary{}));
  check_summary(page, "mm\\-npy", to_json(NpySummary{0, 0, 0, {{"c", "p", 0, 0}}}));
  check_summary(page, "mm\\-upload", to_json(UploadSummary{}));
  BulkinsertSummary bulk;
  bulk.partitions.push_back({"c", "p", 0, 0, 0, 0, 0, 0, true});
  check_summary(page, "mm\\-bulkinsert", to_json(bulk));
  check_summary(page, "mm\\-verify", to_json(VerifySummary{}));
  BOOST_TEST(documented(section(page, ".SS verify", {".SS", ".SH"})) == fields(to_json(VerifyPartition{})));
  BOOST_TEST(documented(section(page, ".SS error", {".SS", ".SH"})) == fields(to_json(ErrorRecord{})));
}

BOOST_AUTO_TEST_CASE(mm_manifest_5_documents_the_catalog_records_exactly) {
  const std::string page = man_page();
  BOOST_TEST(documented(section(page, ".SS collection", {".SS", ".SH"})) == fields(to_json(mm::milvus1x::Collection{})));
  BOOST_TEST(documented(section(page, ".SS partition", {".SS", ".SH"})) == fields(to_json(mm::milvus1x::Partition{})));
  mm::milvus1x::Segment scanned;
  scanned.scanned = true;  // the fields mm-scan adds too
  BOOST_TEST(documented(section(page, ".SS segment", {".SS", ".SH"})) == fields(to_json(scanned)));
}

BOOST_AUTO_TEST_CASE(mm_manifest_5_documents_the_plan_store_chunk_and_unflushed_records_exactly) {
  const std::string page = man_page();
  const std::string chunk_text = section(page, ".SS chunk", {".SS", ".SH"});
  std::set<std::string> chunk_files;
  BOOST_TEST(documented(chunk_text) == fields(to_json(Chunk{"c", "p", "g", {WrittenRange{}}}), &chunk_files));
  for (const auto& name : chunk_files) BOOST_TEST(chunk_text.find("\n.B " + name + "\n") != std::string::npos, "chunk files: " << name);
  BOOST_TEST(documented(section(page, ".SS plan", {".SS", ".SH"})) == fields(to_json(PartitionPlan{})));
  BOOST_TEST(documented(section(page, ".SS store", {".SS", ".SH"})) == fields(to_json(StoreRecord{"", "{}"})));
  mm::milvus1x::UnflushedChanges unflushed;
  unflushed.flush_lsn = 1;  // written only when known
  BOOST_TEST(documented(section(page, ".SS unflushed", {".SS", ".SH"})) == fields(to_json(unflushed, "/wal")));
}
