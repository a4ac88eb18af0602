// Runs tasks on their own threads, at most `limit` at once. Used for groups (-j) and for the
// parts of one large object (--part-jobs): each task is big, so a thread per task costs nothing.
#pragma once
#include <condition_variable>
#include <exception>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace mm {

class TaskGroup {
 public:
  explicit TaskGroup(unsigned limit);
  // Waits for the running tasks. Their failures are dropped: only wait() reports them.
  ~TaskGroup();
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // Blocks until a slot is free, then starts `task`. Returns false, without running it, once
  // any task has failed: the caller stops feeding work and calls wait().
  bool spawn(std::function<void()> task);
  // Waits for every task; rethrows the first failure.
  void wait();

 private:
  struct Slot {
    std::thread thread;
    bool done = false;
  };
  void reap_locked();
  unsigned limit_;
  unsigned running_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::list<Slot> slots_;
  std::exception_ptr error_;
};

}  // namespace mm
