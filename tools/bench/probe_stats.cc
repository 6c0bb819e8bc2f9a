// probe_stats.cc - the probe's oversleeps reduced with the bench's percentile rule.
#include "probe_stats.h"

#include <algorithm>

#include "latency_dist.h"

namespace wfisbench {

ProbeStats probe_stats(std::vector<int64_t> oversleep_ns, bool realtime) {
    ProbeStats p;
    p.realtime = realtime;
    const uint64_t late = static_cast<uint64_t>(std::count_if(
        oversleep_ns.begin(), oversleep_ns.end(), [](int64_t v) { return v > 1'000'000; }));
    // The same percentile rule as every other distribution in the bench.
    if (auto d = wfisvm::exact_distribution(std::move(oversleep_ns))) {
        p.count = d->count;
        p.p50_us = d->p50;
        p.p99_us = d->p99;
        p.max_us = d->max;
        p.over_1ms = static_cast<double>(late) / static_cast<double>(d->count);
    }
    return p;
}

}  // namespace wfisbench
