// The process's one bound on transfers in flight (storage/transfer_slots.hpp): the bound holds,
// and hashing a file and sending a file's bytes over HTTP both wait for a slot.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/crypto.hpp"
#include "storage/http.hpp"
#include "storage/transfer_slots.hpp"

using namespace mm::storage;
using namespace std::chrono_literals;

namespace {

// Restores the default bound when a test ends.
struct Limit {
  explicit Limit(unsigned n) { TransferSlot::set_limit(n); }
  ~Limit() { TransferSlot::set_limit(TransferSlot::kDefaultLimit); }
};

// `work` (returning whether it did what it should) run on its own thread while the test holds the
// only slot: it must not end until the slot is let go, and must end after.
template <typename Work>
void waits_for_the_slot(Work work) {
  Limit one(1);
  std::optional<TransferSlot> held(std::in_place);
  auto done = std::async(std::launch::async, work);
  BOOST_TEST((done.wait_for(300ms) == std::future_status::timeout));
  held.reset();
  BOOST_TEST((done.wait_for(10s) == std::future_status::ready));
  BOOST_TEST(done.get());
}

// Whether `request` fails (nothing listens there), without throwing into another thread.
bool refused(HttpClient& http, const HttpRequest& request) {
  try {
    http.send(request, "request");
  } catch (const std::exception&) {
    return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(transfer_slots_bound_the_transfers_of_all_threads) {
  Limit three(3);
  std::atomic<int> holding{0}, peak{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      TransferSlot slot;
      int now = ++holding;
      for (int seen = peak; now > seen && !peak.compare_exchange_weak(seen, now);) {
      }
      std::this_thread::sleep_for(5ms);
      --holding;
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(peak <= 3);
  BOOST_TEST(peak >= 2);  // they did overlap
}

BOOST_AUTO_TEST_CASE(hashing_a_file_range_takes_a_slot) {
  char path[] = "/tmp/mm-slot-XXXXXX";
  int fd = mkstemp(path);
  BOOST_REQUIRE(fd >= 0);
  BOOST_REQUIRE(write(fd, "abc", 3) == 3);
  waits_for_the_slot([&] { return sha256_file_range(fd, path, 0, 3) == sha256_hex("abc"); });
  close(fd);
  unlink(path);
}

BOOST_AUTO_TEST_CASE(sending_a_files_bytes_takes_a_slot_and_a_plain_request_does_not) {
  int fd = open("/dev/zero", O_RDONLY);
  BOOST_REQUIRE(fd >= 0);
  HttpOptions options;
  options.retry.retries = 0;
  HttpClient http(options);
  HttpRequest put;
  put.method = "PUT";
  put.url = "http://127.0.0.1:1/bucket/key";  // refused at once: only the wait for the slot can take time
  put.fd = fd;
  put.length = 16;
  waits_for_the_slot([&] { return refused(http, put); });

  Limit one(1);
  TransferSlot held;
  HttpRequest head;
  head.method = "HEAD";
  head.url = put.url;
  auto done = std::async(std::launch::async, [&] { return refused(http, head); });
  BOOST_TEST((done.wait_for(10s) == std::future_status::ready));
  BOOST_TEST(done.get());
  close(fd);
}
