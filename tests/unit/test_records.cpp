#include <boost/test/unit_test.hpp>

#include "errors.hpp"
#include "manifest.hpp"
#include "records/error.hpp"
#include "records/group.hpp"
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
