// governor_lateness.h - how late the governors' waits returned relative to the deadlines they
// were given: the part of timer lateness a governor controls, on the host clock.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

#include "latency_store.h"

namespace wfisvm {

// One store for every vCPU of a run (pooled, as the device's latencies are):
// fixed memory (latency_store.h), exact up to its capacity. Thread-safe: the
// vCPU threads record concurrently under an internal lock (held for one add).
class GovernorLateness {
  public:
    explicit GovernorLateness(size_t exact_capacity = LatencyStore::kDefaultExact)
        : store_(exact_capacity) {}

    // A wait given deadline_ns (wfisleep_now_ns() clock) returned at
    // returned_ns: at or after the deadline it is a lateness sample of
    // (returned_ns - deadline_ns) ns; before it (a kick, or the governor
    // returned early) it counts as early and is not a sample.
    void record(uint64_t deadline_ns, uint64_t returned_ns);

    // Waits that returned before their deadline.
    uint64_t early() const;
    // The lateness samples' distribution (exact while within the capacity);
    // nullopt when there were none.
    std::optional<LatencyUs> distribution() const;

  private:
    mutable std::mutex mu_;
    LatencyStore store_;  // under mu_
    uint64_t early_ = 0;  // under mu_
};

}  // namespace wfisvm
