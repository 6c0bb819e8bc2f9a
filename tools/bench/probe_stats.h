// probe_stats.h - what the wake-up probe saw over one run (its oversleeps, reduced), apart from
// the thread that measures them so the figures can be tested on synthetic data.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace wfisbench {

// The probe's shape: every kProbePeriodNs it sleeps kProbeSleepNs once.
constexpr int64_t kProbeSleepNs = 1'000'000;   // 1 ms, a tick-sized sleep
constexpr int64_t kProbePeriodNs = 5'000'000;  // 200 sleeps per second

// One run's probe figures; p50/p99 as the bench's percentiles (null below
// 100 samples), oversleep = wake time - (start + kProbeSleepNs).
struct ProbeStats {
    uint64_t count = 0;
    std::optional<double> p50_us, p99_us;
    double max_us = 0;
    double over_1ms = 0;    // fraction of sleeps that ended more than 1 ms late
    bool realtime = false;  // the thread ran SCHED_FIFO (the VM's own load cannot delay it)
};

// The figures of a list of oversleeps in ns (any order).
ProbeStats probe_stats(std::vector<int64_t> oversleep_ns, bool realtime);

}  // namespace wfisbench
