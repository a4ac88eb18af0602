#include "task_group.hpp"

namespace mm {

TaskGroup::TaskGroup(unsigned limit) : limit_(limit == 0 ? 1 : limit) {}

TaskGroup::~TaskGroup() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return running_ == 0; });
  reap_locked();
}

void TaskGroup::reap_locked() {
  for (auto it = slots_.begin(); it != slots_.end();) {
    if (!it->done) {
      ++it;
      continue;
    }
    it->thread.join();  // it has finished its task and only returns now
    it = slots_.erase(it);
  }
}

bool TaskGroup::spawn(std::function<void()> task) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return running_ < limit_ || error_; });
  reap_locked();
  if (error_) return false;
  ++running_;
  Slot& slot = slots_.emplace_back();
  slot.thread = std::thread([this, &slot, task = std::move(task)] {
    std::exception_ptr failure;
    try {
      task();
    } catch (...) {
      failure = std::current_exception();
    }
    std::lock_guard<std::mutex> done_lock(mutex_);
    if (failure && !error_) error_ = failure;
    slot.done = true;
    --running_;
    changed_.notify_all();
  });
  return true;
}

void TaskGroup::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return running_ == 0; });
  reap_locked();
  if (error_) std::rethrow_exception(error_);
}

}  // namespace mm
