#include <boost/test/unit_test.hpp>

#include "errors.hpp"
#include "progress_view.hpp"

using namespace mm;

namespace {
ProgressEvent event(uint64_t items, uint64_t bytes, uint64_t rows, double seconds, bool final = false) {
  return ProgressEvent{"mm-npy", "converted", items, bytes, rows, 0, 0, seconds, final};
}
const Totals kTotals{10000, 4u << 20, 10};
}  // namespace

BOOST_AUTO_TEST_CASE(plain_line_counts_against_the_plan) {
  // A quarter of the bytes in 10 s: 30 s to go.
  BOOST_TEST(plain_line(event(3, 1u << 20, 3500, 10), kTotals) ==
             "mm-npy: converted 3/10 groups, 3500/10000 rows, 1.0 MiB/4.0 MiB (25%), 102.4 KiB/s, ETA 30s");
  BOOST_TEST(plain_line(event(10, 4u << 20, 10000, 40, true), kTotals) ==
             "mm-npy: converted 10/10 groups, 10000/10000 rows, 4.0 MiB/4.0 MiB (100%), 102.4 KiB/s, done in 40s");
}

BOOST_AUTO_TEST_CASE(plain_line_without_totals) {
  BOOST_TEST(plain_line(event(3, 2048, 35, 2), Totals{}) == "mm-npy: converted 3 groups, 35 rows, 2.0 KiB, 1.0 KiB/s");
}

BOOST_AUTO_TEST_CASE(the_tools_own_totals_come_first) {
  ProgressEvent e = event(1, 500, 5, 1);
  e.total_items = 2;
  e.total_bytes = 1000;
  BOOST_TEST(plain_line(e, kTotals) == "mm-npy: converted 1/2 groups, 5/10000 rows, 500 B/1000 B (50%), 500 B/s, ETA 1s");
}

BOOST_AUTO_TEST_CASE(percent_rounds_down_and_stops_at_100) {
  // 99.9% is not done; uploaded bytes (with .npy headers) may exceed the plan's payload bytes.
  BOOST_TEST(plain_line(event(9, 999, 9, 1), Totals{0, 1000, 0}).find("(99%)") != std::string::npos);
  BOOST_TEST(plain_line(event(9, 1100, 9, 1), Totals{0, 1000, 0}).find("(100%)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bar_line_fills_by_fraction) {
  BOOST_TEST(bar_line(event(3, 1u << 20, 3500, 10), kTotals, 10) ==
             "converted   [####............]  25%  3500/10000 rows  1.0 MiB/4.0 MiB  102.4 KiB/s  ETA 30s");
  BOOST_TEST(bar_line(event(3, 100, 3, 1), Totals{}, 0) == "converted  [................]    ?  3 rows  100 B  100 B/s");
}

BOOST_AUTO_TEST_CASE(durations_are_short) {
  BOOST_TEST(short_duration(12.4) == "12s");
  BOOST_TEST(short_duration(185) == "3m05s");
  BOOST_TEST(short_duration(3720) == "1h02m");
}

BOOST_AUTO_TEST_CASE(totals_file_is_checked) {
  Totals t = parse_totals("{\"rows\":7,\"bytes\":100,\"groups\":2}", "t.json");
  BOOST_TEST(t.rows == 7u);
  BOOST_TEST(t.bytes == 100u);
  BOOST_TEST(t.groups == 2u);
  BOOST_TEST(parse_totals("{}", "t.json").rows == 0u);
  BOOST_CHECK_THROW(parse_totals("{\"rows\":-1}", "t.json"), Error);
  BOOST_CHECK_THROW(parse_totals("[1]", "t.json"), Error);
  BOOST_CHECK_THROW(parse_totals("", "t.json"), Error);
}
