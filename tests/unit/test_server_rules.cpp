#include <boost/test/unit_test.hpp>

#include "errors.hpp"
#include "milvus2x/server_rules.hpp"

using namespace mm;
using namespace mm::milvus2x;

namespace {
ServerRules rules(const std::string& text) { return rules_for(*parse_server_version(text)); }
}  // namespace

BOOST_AUTO_TEST_CASE(server_versions_are_read_as_servers_write_them) {
  auto v = parse_server_version("v2.4.5");
  BOOST_REQUIRE(v);
  BOOST_TEST(v->major == 2);
  BOOST_TEST(v->minor == 4);
  BOOST_TEST(v->patch == 5);
  BOOST_TEST(parse_server_version("2.6.3")->minor == 6);
  BOOST_TEST(parse_server_version("v3.0.1-rc1")->major == 3);
  BOOST_TEST(parse_server_version("2.3.5-dev+abc")->patch == 5);
  BOOST_TEST(!parse_server_version(""));
  BOOST_TEST(!parse_server_version("unknown"));
  BOOST_TEST(!parse_server_version("v2.4"));
  BOOST_TEST(!parse_server_version("2.4.5x"));
  BOOST_TEST(!parse_server_version("99999999999999.1.1"));
}

BOOST_AUTO_TEST_CASE(each_version_gets_the_behaviour_of_its_family) {
  BOOST_TEST(!rules("v2.2.16").jobs());
  BOOST_TEST(!rules("v2.3.5").jobs());
  BOOST_TEST(rules("v2.3.5").lists_task_files());
  BOOST_TEST(rules("v2.3.5").failed_imports_leave_segments());
  BOOST_TEST(!rules("v2.3.5").takes_job_timeout());
  for (const char* v : {"v2.4.0", "v2.4.24", "v2.5.27", "v2.6.3", "v3.0.1"}) {
    BOOST_TEST(rules(v).jobs(), v);
    BOOST_TEST(!rules(v).lists_task_files(), v);
    BOOST_TEST(!rules(v).failed_imports_leave_segments(), v);
    BOOST_TEST(rules(v).takes_job_timeout(), v);
  }
  BOOST_TEST(rules("v2.4.4").unknown_job_reads_as_failed());
  BOOST_TEST(!rules("v2.4.5").unknown_job_reads_as_failed());
  BOOST_TEST(!rules("v2.3.5").unknown_job_reads_as_failed());
  BOOST_TEST(rules("v2.5.10").rejects_numpy_with_nullable());
  BOOST_TEST(!rules("v2.6.0").rejects_numpy_with_nullable());
  BOOST_TEST(rules("v3.0.0").has_commit_stage());
  BOOST_TEST(!rules("v2.6.9").has_commit_stage());
  BOOST_CHECK_THROW(rules("v2.1.4"), Error);
}

BOOST_AUTO_TEST_CASE(stages_and_hints_name_the_version) {
  auto r26 = rules("v2.6.3");
  BOOST_TEST(r26.stage(5, true) == "pending");
  BOOST_TEST(r26.stage(25, false) == "pre-importing");
  BOOST_TEST(r26.stage(55, false) == "importing");
  BOOST_TEST(r26.stage(75, false) == "sorting");
  BOOST_TEST(r26.stage(85, false) == "building the index");
  BOOST_TEST(rules("v3.0.1").stage(99, false) == "committing");
  BOOST_TEST(r26.waits_for_index(85, true));
  BOOST_TEST(!r26.waits_for_index(85, false));
  BOOST_TEST(!rules("v2.3.5").waits_for_index(85, true));
  BOOST_TEST(r26.stall_hint(85, true).find("indexed") != std::string::npos);
  BOOST_TEST(r26.stall_hint(85, true).find("Milvus 2.6.3") != std::string::npos);
  // The 2.3 rules (task expiry, lost DataNode) never show on 2.4+.
  BOOST_TEST(rules("v2.3.5").stall_hint(0, false).find("importTaskExpiration") != std::string::npos);
  BOOST_TEST(rules("v2.3.5").stall_hint(0, false).find("Milvus 2.3.5") != std::string::npos);
  for (int percent : {0, 5, 25, 55, 85, 90, 99})
    BOOST_TEST(r26.stall_hint(percent, false).find("importTaskExpiration") == std::string::npos);
}
