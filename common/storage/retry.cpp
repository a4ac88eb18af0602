#include "storage/retry.hpp"

#include <algorithm>

namespace mm::storage {

bool retryable_status(long http_status) { return http_status >= 500 || http_status == 429 || http_status == 408; }

unsigned backoff_ms(const RetryPolicy& policy, unsigned attempt, uint32_t random_bits) {
  uint64_t wait = policy.first_backoff_ms;
  for (unsigned i = 1; i < attempt && wait < policy.max_backoff_ms; ++i) wait *= 2;
  wait = std::min<uint64_t>(wait, policy.max_backoff_ms);
  return unsigned(wait + (wait / 4 ? random_bits % (wait / 4 + 1) : 0));
}

}  // namespace mm::storage
