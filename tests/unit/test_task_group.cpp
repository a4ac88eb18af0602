#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "task_group.hpp"

using namespace mm;

BOOST_AUTO_TEST_CASE(task_group_bounds_concurrency_and_runs_everything) {
  std::atomic<int> running{0}, peak{0}, done{0};
  TaskGroup tasks(3);
  for (int i = 0; i < 20; ++i) {
    BOOST_TEST(tasks.spawn([&] {
      int now = ++running;
      for (int seen = peak; now > seen && !peak.compare_exchange_weak(seen, now);) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      --running;
      ++done;
    }));
  }
  tasks.wait();
  BOOST_TEST(done == 20);
  BOOST_TEST(peak <= 3);
  BOOST_TEST(peak >= 2);  // it did run in parallel
}

BOOST_AUTO_TEST_CASE(task_group_reports_the_first_failure_and_stops_taking_work) {
  TaskGroup tasks(2);
  std::atomic<int> started{0};
  BOOST_TEST(tasks.spawn([&] {
    ++started;
    throw std::runtime_error("part 1 failed");
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  bool accepted = true;
  for (int i = 0; i < 5 && accepted; ++i) accepted = tasks.spawn([&] { ++started; });
  BOOST_TEST(!accepted);
  try {
    tasks.wait();
    BOOST_FAIL("wait() did not rethrow");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()) == "part 1 failed");
  }
  BOOST_TEST(started == 1);
}
