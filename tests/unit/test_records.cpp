#include <boost/test/unit_test.hpp>

#include <sstream>

#include "errors.hpp"
#include "manifest.hpp"
#include "records/catalog.hpp"
#include "records/error.hpp"
#include "records/group.hpp"
#include "records/plan.hpp"
#include "records/report.hpp"
#include "records/store.hpp"
#include "records/summary.hpp"

using namespace mm::records;

namespace {
Group read(const std::string& json) {
  rapidjson::Document d;
  BOOST_REQUIRE(mm::parse_json(d, json));
  return read_group(d);
}
std::string bad_data_message(const std::string& json) {
  try {
    read(json);
  } catch (const mm::Error& e) {
    BOOST_TEST(e.exit_code() == mm::kExitBadData);
    return e.what();
  }
  return "";
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_group_record_reads_back_to_the_same_line) {
  const std::string npy =
      R"({"kind":"group","collection":"c","partition":"p","tag":"t","name":"7_0","dir":"/o/c/p/7_0","rows":3,"bytes":248,)"
      R"("dim":2,"vector":"float","files":{"id":"/o/c/p/7_0/id.npy","data":"/o/c/p/7_0/data.npy"},)"
      R"("pieces":[{"segment_id":"7","table_id":"c","first_live":0,"rows":3}],"reused":false})";
  BOOST_TEST(to_json(read(npy)) == npy);
  const std::string uploaded = npy.substr(0, npy.size() - 1) +
                               R"(,"objects":{"id":"x/id.npy","data":"x/data.npy"},"storage":{"backend":"local","dir":"/s"},"uploaded":true})";
  BOOST_TEST(to_json(read(uploaded)) == uploaded);
  const std::string imported = uploaded.substr(0, uploaded.size() - 1) +
                               R"(,"import":{"task":42,"state":"completed","earlier_run":false,"resumed":true}})";
  Group g = read(imported);
  BOOST_TEST(to_json(g) == imported);
  BOOST_TEST(g.import->task == 42);
  BOOST_TEST(*g.object("data") == "x/data.npy");
  BOOST_TEST(*g.file("id") == "/o/c/p/7_0/id.npy");
  BOOST_TEST(g.file("nope") == nullptr);
}

BOOST_AUTO_TEST_CASE(a_hand_made_group_keeps_what_it_has_and_its_unknown_members) {
  const std::string hand = R"({"kind":"group","collection":"c\"q","name":"g","files":{"id":"/i","data":"/d"},"note":[1,{"a":null}]})";
  Group g = read(hand);
  BOOST_TEST(g.partition == "_default");
  BOOST_TEST(!g.rows.has_value());
  BOOST_CHECK_THROW(g.required_rows(), mm::Error);
  // partition is written (it defaults), the unknown member follows the known ones
  BOOST_TEST(to_json(g) == R"({"kind":"group","collection":"c\"q","partition":"_default","name":"g","files":{"id":"/i","data":"/d"},"note":[1,{"a":null}]})");
}

BOOST_AUTO_TEST_CASE(a_mistyped_group_field_is_refused_by_name) {
  BOOST_TEST(bad_data_message(R"({"kind":"group","collection":"c","name":"g","rows":-1})") ==
             "group g: field \"rows\" is not a non-negative integer");
  BOOST_TEST(bad_data_message(R"({"kind":"group","collection":"c","name":"g","files":{"id":1}})") == "group g: files.id is not a path");
  BOOST_TEST(bad_data_message(R"({"kind":"group","collection":"c","name":"g","pieces":{}})") ==
             "group g: field \"pieces\" is not an array");
  BOOST_TEST(bad_data_message(R"({"kind":"group","collection":"c","name":"g","reused":"no"})") ==
             "group g: field \"reused\" is not true or false");
  BOOST_TEST(bad_data_message(R"({"kind":"group","name":"g"})") != "");
}

BOOST_AUTO_TEST_CASE(summaries_escape_names_and_keep_their_field_order) {
  NpySummary npy{2, 1, 5, {{"a\"b", "_default", 5, 2}}};
  BOOST_TEST(to_json(npy) ==
             R"({"kind":"summary","tool":"mm-npy","groups":2,"reused_groups":1,"rows":5,"partitions":[{"collection":"a\"b","partition":"_default","rows":5,"groups":2}]})");
  BOOST_TEST(to_json(UploadSummary{3, 6, 4, 100}) ==
             R"({"kind":"summary","tool":"mm-upload","groups":3,"objects":6,"written":4,"skipped":2,"bytes":100})");
  BOOST_TEST(to_json(VerifyPartition{"c", "p", "", 5, 0, -1, false}) ==
             R"({"kind":"verify","collection":"c","partition":"p","tag":"","live_1x":5,"before":0,"rows_2x":null,"ok":false})");
  BOOST_TEST(to_json(ErrorRecord{"mm-scan", "c", "7", "bad \"x\"\n"}) ==
             R"({"kind":"error","tool":"mm-scan","collection":"c","segment_id":"7","message":"bad \"x\"\n"})");
  BulkinsertSummary bulk{"h:1", "v2.3.5", 1, 2, 0, 0, 0, 0, 0, 0, 0, {{"c", "p", 0, 2, 2, 3, 1, 2, true}}};
  BOOST_TEST(to_json(bulk).find(R"("earlier_rows":0,"leftover_rows":1,"partitions":[{"collection":"c")") != std::string::npos);
}

namespace {
rapidjson::Document parsed(const std::string& json) {
  rapidjson::Document d;
  BOOST_REQUIRE(mm::parse_json(d, json));
  return d;
}
}  // namespace

BOOST_AUTO_TEST_CASE(every_summary_reads_back_to_the_same_line) {
  const std::vector<std::string> lines = {
      to_json(ScanSummary{1, 2, 3, 4, 5}),
      to_json(FetchSummary{1, 9, 4, 7, 0}),
      to_json(NpySummary{2, 1, 30, {{"c\"1", "_default", 10, 1}, {"c2", "p", 20, 1}}}),
      to_json(UploadSummary{2, 4, 3, 99}),
      to_json(BulkinsertSummary{"h:1", "2.3.5", 1, 2, 3, 4, 5, 6, 7, 8, 9, {{"c", "p", 1, 2, 3, 4, 1, 3, true}}}),
      to_json(VerifySummary{true, 2, 2, 30, 20})};
  for (const auto& line : lines) BOOST_TEST(to_json(read_summary(parsed(line))) == line);
}

BOOST_AUTO_TEST_CASE(merged_summaries_add_up_by_partition) {
  const Summary a = NpySummary{2, 0, 30, {{"b", "_default", 10, 1}, {"a", "p", 20, 1}}};
  const Summary b = NpySummary{1, 1, 5, {{"a", "p", 5, 1}}};
  const auto m = std::get<NpySummary>(merge(a, b));
  BOOST_TEST(m.groups == 3u);
  BOOST_TEST(m.reused_groups == 1u);
  BOOST_TEST(m.rows == 35u);
  BOOST_REQUIRE(m.partitions.size() == 2u);
  BOOST_TEST(m.partitions[0].collection == "a");  // sorted, as mm-npy sorts them
  BOOST_TEST(m.partitions[0].rows == 25u);
  BOOST_TEST(m.partitions[0].groups == 2u);

  BulkinsertSummary x;
  x.server = "h:1", x.server_version = "2.3.5";
  BulkinsertSummary y = x;
  x.partitions = {{"c", "_default", 0, 5, 5, 5, 0, 5, true}};
  y.partitions = {{"c", "_default", 0, 7, 7, 7, 1, 6, false}};
  const auto z = std::get<BulkinsertSummary>(merge(x, y));
  BOOST_TEST(z.partitions[0].imported == 12);
  BOOST_TEST(z.partitions[0].visible == 11);
  BOOST_TEST(!z.partitions[0].ok);  // one job's failure is the merged run's
  y.server = "h:2";
  BOOST_CHECK_THROW(merge(x, y), mm::Error);
  BOOST_CHECK_THROW(merge(Summary{ScanSummary{}}, Summary{UploadSummary{}}), mm::Error);
}

BOOST_AUTO_TEST_CASE(a_mistyped_summary_or_unknown_tool_is_refused) {
  auto message = [](const std::string& json) -> std::string {
    try {
      read_summary(parsed(json));
    } catch (const mm::Error& e) {
      BOOST_TEST(e.exit_code() == mm::kExitBadData);
      return e.what();
    }
    return "";
  };
  BOOST_TEST(message(R"({"kind":"summary","tool":"mm-npy","rows":-1})") == R"(mm-npy summary: field "rows" is not a non-negative integer)");
  BOOST_TEST(message(R"({"kind":"summary","tool":"mm-x"})") == R"(summary record: unknown tool "mm-x")");
  BOOST_TEST(message(R"({"kind":"summary","tool":"mm-npy","partitions":[{"rows":1}]})") ==
             R"(mm-npy summary partitions element: field "collection" missing)");
}

BOOST_AUTO_TEST_CASE(a_report_is_ok_only_when_every_partition_imported_its_live_rows) {
  const std::vector<PartitionPlan> plan = {{"c", "_default", "", 1, 10, 100, 1}, {"c", "p", "t", 1, 5, 50, 1}};
  BulkinsertSummary s;
  s.server = "h:1";
  s.imported_rows = 15;
  s.partitions = {{"c", "_default", 0, 10, 10, 10, 0, 10, true}, {"c", "p", 0, 5, 5, 5, 0, 5, true}};
  auto r = make_report(plan, s, 0);
  BOOST_TEST(r.ok);
  BOOST_TEST(r.live_1x == 15u);
  BOOST_TEST(r.imported == 15);
  s.partitions[1].imported = 4;  // one row short
  r = make_report(plan, s, 0);
  BOOST_TEST(!r.ok);
  BOOST_TEST(!r.partitions[1].ok);
  s.partitions.pop_back();  // never imported
  r = make_report(plan, s, 0);
  BOOST_TEST(!r.partitions[1].rows_2x.has_value());
  BOOST_TEST(!make_report(plan, {}, 1).ok);

  std::istringstream stages("mm-meta\t100.0\t101.2346\t0\n");
  const auto read = read_stages(stages, "stages.tsv");
  BOOST_REQUIRE(read.size() == 1u);
  r.stages = read;
  BOOST_TEST(to_json(r).find(R"("seconds": 1.235)") != std::string::npos);
  std::istringstream bad("mm-meta 1 2\n");
  BOOST_CHECK_THROW(read_stages(bad, "stages.tsv"), mm::Error);
}

BOOST_AUTO_TEST_CASE(catalog_and_store_records_read_back_to_the_same_line) {
  mm::milvus1x::Collection c;
  c.name = "films \"l2\"", c.dim = 16, c.metric = 2, c.vector = mm::milvus1x::VectorKind::Binary, c.engine_type = 3;
  c.index_params = R"({"nlist":1024})", c.index_file_size = 1024, c.flag = 1, c.created_on = 7, c.version = "1.1";
  BOOST_TEST(to_json(read_collection(parsed(to_json(c)))) == to_json(c));
  const mm::milvus1x::Partition p{"films", "été", "_t_ffb58817", "1623801632"};
  BOOST_TEST(to_json(read_partition(parsed(to_json(p)))) == to_json(p));
  const StoreRecord s{"pre/migration", R"({"backend":"s3","bucket":"b"})"};
  BOOST_TEST(to_json(read_store(parsed(to_json(s)))) == to_json(s));
  BOOST_CHECK_THROW(read_collection(parsed(R"({"kind":"collection","collection":"c","dim":8,"vector":"int8"})")), mm::Error);
  BOOST_CHECK_THROW(read_store(parsed(R"({"kind":"store","store":"s3"})")), mm::Error);
}
