// latency_dist.h - one run's latency distribution: exact percentiles from 100 samples (p99.9 from
// 1000), tail fractions, and the approximate figures of the guest's histogram.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "wfis_guest_abi.h"

namespace wfisvm {

using LatencyHistogram = std::array<uint64_t, WFIS_HIST_BUCKETS>;

// Tail bounds of `over_us`, in us.
constexpr std::array<uint32_t, 5> kOverBoundsUs = {50, 100, 250, 500, 1000};

// The quantiles reported, in units of 1/10000 (p50, p90, p99, p99.9).
constexpr std::array<uint32_t, 4> kQuantilesE4 = {5000, 9000, 9900, 9990};

// p50, p90 and p99 are shown for runs of at least 100 samples, p99.9 for
// runs of at least 1000. A fixed count, not one that depends on how the run
// went, so a run that missed ticks keeps its tail figures (the missed ticks
// are in it) instead of dropping out of the medians.
bool quantile_shown(uint64_t n, uint32_t q_e4);

// Figures in microseconds. A quantile is nullopt when quantile_shown() is
// false (JSON null, table "-"); count is always set.
struct LatencyUs {
    std::optional<double> p50, p90, p99, p999;
    double max = 0;
    uint64_t count = 0;            // samples (missed ticks included)
    std::array<double, 5> over{};  // fraction of count later than kOverBoundsUs[i]
    uint64_t missed = 0;           // missed ticks among count (timer lateness only)
    uint64_t dropped = 0;          // samples not stored (ring full): not in count
    uint64_t early = 0;            // samples below 0: taken before their deadline
    bool exact = true;             // false: from histogram buckets ("approx")
};

// Exact figures of samples in ns, signed (a negative sample came before
// its deadline; nearest rank: the value at rank ceil(p x n)); "later than
// b" means > b us. nullopt when empty.
std::optional<LatencyUs> exact_distribution(std::vector<int64_t> samples_ns, uint64_t missed = 0,
                                            uint64_t dropped = 0);

// Approximate figures from the guest's histogram: each quantile is the lower
// edge of the bucket holding its rank (1 us below 256 us, then octaves);
// `missed` ticks, whose lateness the histogram does not hold, count as later
// than every bound and above every bucket. exact = false. nullopt when empty.
std::optional<LatencyUs> histogram_distribution(const LatencyHistogram &hist, uint64_t missed = 0);

}  // namespace wfisvm
