// One bound, for the whole process, on the transfers in flight: a file or part being hashed, sent,
// received, copied or compared. Each holds about 1 MiB of buffers (a hashing or copy buffer, or
// curl's 512 KiB upload or download buffer and its heap's share), so this bound, not -j times
// --part-jobs, is what bounds the memory of mm-upload and mm-fetch. Slots are never nested: a
// holder takes no other slot, so waiting for one cannot deadlock.
#pragma once

namespace mm::storage {

class TransferSlot {
 public:
  static constexpr unsigned kDefaultLimit = 32;
  // The number of slots; call before the first transfer starts. Also makes freed buffers of
  // 128 KiB or more go back to the system at once (mallopt), so that memory follows the slots.
  static void set_limit(unsigned limit);

  TransferSlot();  // waits for a free slot
  ~TransferSlot();
  TransferSlot(const TransferSlot&) = delete;
  TransferSlot& operator=(const TransferSlot&) = delete;
};

}  // namespace mm::storage
