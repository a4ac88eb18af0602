#include <boost/test/unit_test.hpp>

#include "errors.hpp"
#include "npy/group_plan.hpp"
#include "npy/group_writer.hpp"

using namespace mm::npy;
using mm::milvus1x::Segment;

namespace {
Segment segment(const std::string& id, uint64_t live, const std::string& partition = "_default") {
  Segment s;
  s.collection = "c";
  s.partition = partition;
  s.segment_id = id;
  s.dim = 2;  // 8-byte rows + 8-byte ids: 16 bytes a row
  s.live = s.rows = live;
  s.scanned = true;
  return s;
}
uint64_t total_rows(const std::vector<GroupPlan>& groups) {
  uint64_t n = 0;
  for (const auto& g : groups) n += g.rows;
  return n;
}
}  // namespace

BOOST_AUTO_TEST_CASE(small_segments_share_a_group) {
  GroupPlanner planner(160, 160);  // 10 rows
  BOOST_TEST(planner.add(segment("1", 3)).empty());
  BOOST_TEST(planner.add(segment("2", 4)).empty());
  auto groups = planner.finish();
  BOOST_TEST(groups.size() == 1u);
  BOOST_TEST(groups[0].rows == 7u);
  BOOST_TEST(groups[0].pieces.size() == 2u);
  BOOST_TEST(groups[0].name == "1_0");
}

BOOST_AUTO_TEST_CASE(large_segments_are_split_at_the_limit) {
  GroupPlanner planner(160, 160);
  auto groups = planner.add(segment("7", 25));
  BOOST_TEST(groups.size() == 2u);
  auto rest = planner.finish();
  BOOST_TEST(rest.size() == 1u);
  BOOST_TEST(rest[0].rows == 5u);
  BOOST_TEST(rest[0].pieces[0].first_live == 20u);
  BOOST_TEST(rest[0].name == "7_20");
}

BOOST_AUTO_TEST_CASE(a_new_partition_closes_the_group_and_empty_segments_vanish) {
  GroupPlanner planner(1 << 20, 1 << 20);
  BOOST_TEST(planner.add(segment("1", 3)).empty());
  BOOST_TEST(planner.add(segment("2", 0)).empty());
  auto closed = planner.add(segment("3", 2, "p"));
  BOOST_TEST(closed.size() == 1u);
  BOOST_TEST(closed[0].rows == 3u);
  auto last = planner.finish();
  BOOST_TEST(total_rows(last) == 2u);
  BOOST_TEST(last[0].partition == "p");
  BOOST_TEST(planner.finish().empty());
}

BOOST_AUTO_TEST_CASE(planner_refuses_what_would_import_rows_twice_or_run_away) {
  {
    GroupPlanner planner(160, 160);
    planner.add(segment("1", 3));
    BOOST_CHECK_THROW(planner.add(segment("1", 3)), mm::Error);  // the same segment again
  }
  {
    GroupPlanner planner(160, 160);
    planner.add(segment("1", 3));
    Segment binary = segment("2", 3);
    binary.vector = mm::milvus1x::VectorKind::Binary;
    binary.dim = 64;  // also 8 bytes a row: would have shared a group
    BOOST_CHECK_THROW(planner.add(binary), mm::Error);
  }
  {
    GroupPlanner planner(160, 160);
    Segment wild = segment("3", 3);
    wild.live = 9223372036854775807ull;  // more live rows than rows
    BOOST_CHECK_THROW(planner.add(wild), mm::Error);
    Segment escape = segment("4", 3);
    escape.collection = "../../escaped";
    BOOST_CHECK_THROW(planner.add(escape), mm::Error);
  }
}

BOOST_AUTO_TEST_CASE(each_collection_starts_with_a_first_group_of_its_own_size) {
  GroupPlanner planner(160, 32);  // 2 rows, then 10
  std::vector<uint64_t> sizes;
  auto note = [&](const std::vector<GroupPlan>& groups) {
    for (const auto& g : groups) sizes.push_back(g.rows);
  };
  note(planner.add(segment("1", 30)));
  note(planner.add(segment("2", 3, "p")));  // a new partition of the same collection: 10 rows
  note(planner.add(segment("3", 14, "p")));
  Segment other = segment("4", 7);
  other.collection = "d";  // a new collection starts again with 2 rows
  note(planner.add(other));
  note(planner.finish());
  BOOST_TEST(sizes == (std::vector<uint64_t>{2, 10, 10, 8, 10, 7, 2, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_windows_of_all_writers_stay_within_32_mib) {
  using mm::npy::window_bytes;
  BOOST_TEST(window_bytes(1) == 4u << 20);
  BOOST_TEST(window_bytes(8) == 4u << 20);
  BOOST_TEST(window_bytes(16) == 2u << 20);
  BOOST_TEST(window_bytes(128) == 256u << 10);
  BOOST_TEST(window_bytes(1000) == 256u << 10);  // a floor, so that a window still moves whole rows fast
  BOOST_TEST(window_bytes(0) == 4u << 20);
  for (unsigned jobs = 1; jobs <= 128; ++jobs) BOOST_TEST(window_bytes(jobs) * jobs <= (32u << 20));
}
