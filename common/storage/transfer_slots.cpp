#include "storage/transfer_slots.hpp"

#include <condition_variable>
#include <mutex>

namespace mm::storage {
namespace {

struct Slots {
  std::mutex mutex;
  std::condition_variable freed;
  unsigned limit = TransferSlot::kDefaultLimit, held = 0;
};

Slots& slots() {
  static Slots instance;
  return instance;
}

}  // namespace

void TransferSlot::set_limit(unsigned limit) {
  std::lock_guard<std::mutex> lock(slots().mutex);
  slots().limit = limit == 0 ? 1 : limit;
  slots().freed.notify_all();
}

unsigned TransferSlot::limit() {
  std::lock_guard<std::mutex> lock(slots().mutex);
  return slots().limit;
}

TransferSlot::TransferSlot() {
  Slots& s = slots();
  std::unique_lock<std::mutex> lock(s.mutex);
  s.freed.wait(lock, [&] { return s.held < s.limit; });
  ++s.held;
}

TransferSlot::~TransferSlot() {
  Slots& s = slots();
  std::lock_guard<std::mutex> lock(s.mutex);
  --s.held;
  s.freed.notify_one();
}

}  // namespace mm::storage
