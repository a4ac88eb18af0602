// When to try a request again, and how long to wait first. Transient failures (server errors,
// throttling, timeouts, dropped connections) are retried a bounded number of times.
#pragma once
#include <cstdint>

namespace mm::storage {

struct RetryPolicy {
  unsigned retries = 5;            // attempts after the first
  unsigned first_backoff_ms = 500; // doubles per attempt
  unsigned max_backoff_ms = 20000;
};

bool retryable_status(long http_status);  // 5xx, 429 and 408
// Wait before retry number `attempt` (1-based): first_backoff * 2^(attempt-1), capped, with up to
// 25% jitter from `random_bits` so parallel parts do not retry in lock step.
unsigned backoff_ms(const RetryPolicy& policy, unsigned attempt, uint32_t random_bits);

}  // namespace mm::storage
