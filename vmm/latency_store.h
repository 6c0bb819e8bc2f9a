// latency_store.h - a fixed-size store of latency samples: exact up to a capacity, then a
// log-linear histogram (relative error < 1/1024) so a long run's memory stays flat.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "latency_dist.h"

namespace wfisvm {

// Not thread-safe (the owner locks). All memory is allocated and touched in
// the constructor: bytes() never changes afterwards, whatever the count.
class LatencyStore {
  public:
    // 2^20 exact samples (4 MiB): about 8 minutes of pingpong at 2000/s.
    static constexpr size_t kDefaultExact = size_t{1} << 20;
    explicit LatencyStore(size_t exact_capacity = kDefaultExact);

    void add(uint64_t ns);
    uint64_t count() const { return count_; }
    // The first samples, exactly (all of them while count() <= capacity).
    const std::vector<uint32_t> &exact_samples() const { return exact_; }
    // Memory held, in bytes (constant).
    size_t bytes() const;

    // The distribution: exact while count() <= the exact capacity; beyond,
    // from the histogram (exact = false, each quantile the lower edge of its
    // bucket, within 1/1024 of the true value). nullopt when empty.
    std::optional<LatencyUs> distribution() const;

  private:
    static constexpr int kSubBits = 10;  // 1024 buckets per octave
    static size_t bucket_of(uint64_t ns);
    static uint64_t lower_edge(size_t bucket);

    std::vector<uint32_t> exact_;  // the first samples, ns (clamped to 2^32 - 1)
    std::vector<uint64_t> hist_;   // every sample
    uint64_t count_ = 0;
    uint64_t max_ns_ = 0;
};

}  // namespace wfisvm
