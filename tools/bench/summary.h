// summary.h - groups runs by (scenario, governor) and reduces each figure to median (min-max).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "intervals.h"
#include "run_result.h"

namespace wfisbench {

struct Range {
    double median = 0, min = 0, max = 0;
    int n = 0;   // runs (blocks) that had a value
    int of = 0;  // completed runs it was drawn from (0: not known)
};
// Median (mean of the middle two for an even count), min, max; empty -> nullopt.
std::optional<Range> range_of(std::vector<double> v);

// The figures a group is summarised by.
enum class Metric {
    kCpu,
    kLateP50,
    kLateP99,
    kLateMax,
    kWakeP50,
    kWakeP99,
    kWakeMax,
    kWorkRate,
    kWorkloadCpu,
    kGovernorCpu,
    kLateP90,
    kLateP999,
    kWakeP90,
    kWakeP999,
    kGovReturnP50,  // governor_return_late_us: what the governor's wait controls
    kGovReturnP99,
    kLateCount,   // timer lateness samples per run: the n behind its percentiles
    kLateMissed,  // missed ticks among them
    // Real-QEMU rows (qemu-tcg): ping round trips, the vCPU threads' CPU
    // over the window (summed), the glue's waits entered, the window's error bound.
    kPingP50,
    kPingP99,
    kVcpuThreadCpu,
    kGlueWaits,
    kWorkloadCpuError,
    kGovReturnP90,
    // The governor's busy waiting (poll_ns + spin_ns over every vCPU) per
    // timer interrupt the guest took, us: what a tick costs in spinning.
    kSpinPerWake,
    // compute: the idle siblings' timer lateness p50, us (the run's pooled
    // rings: the busy vCPU arms only its end-of-run timer, one sample).
    kSiblingP50,
    // Adaptive: the median and the largest learned per-class advance of the
    // run's classes that learned anything, us (learned_advance.h).
    kAdvanceP50,
    kAdvanceMax,
};
constexpr int kMetricCount = 28;
const char *metric_label(Metric m);  // e.g. "host CPU %"

struct Group {
    std::string scenario, governor;
    Backend backend = Backend::kKvm;
    bool peer = false;
    int vcpus = 1;
    int runs = 0, ok_runs = 0;
    int disturbed = 0;    // completed runs flagged disturbed
    bool approx = false;  // some lateness figure came from the histogram
    int64_t lost = 0;
    std::vector<double> values[kMetricCount];  // per Metric, from completed runs only
    std::vector<int> blocks[kMetricCount];     // the block (repeat) of each value
    // Every completed run's exact samples, pooled (CDFs; pooled.h).
    std::vector<int32_t> pooled_timer_ns, pooled_wake_ns;
    double seconds = 0;                  // each run's length
    std::vector<std::string> tcg_stats;  // qemu-tcg: the last completed run's glue stats lines
    std::optional<Range> get(Metric m) const;
    // The value of metric m in block b, if that run completed and measured it.
    std::optional<double> in_block(Metric m, int b) const;
};

// Groups in order of first appearance (scenario order, then governor order).
std::vector<Group> summarize(const std::vector<RunResult> &results);

// Reorders groups as the run declared them: scenarios in `scenarios` order,
// and within each, governors in `governors` order (names not listed keep
// their place after the listed ones). Blocks are permuted, so first
// appearance alone would order rows at random.
void order_groups(std::vector<Group> *groups, const std::vector<std::string> &scenarios,
                  const std::vector<std::string> &governors);

// The figure a scenario is judged by besides CPU: timer lateness p99 for
// idle/tickless, wake latency p50 for pingpong/burst, work rate for compute.
Metric key_metric(const std::string &scenario);

// median(group, m) / median(reference governor's group in the same scenario), if both exist.
std::optional<double> ratio(const std::vector<Group> &groups, const Group &g,
                            const std::string &ref_governor, Metric m);

// g's metric over the reference governor's in the same scenario, paired by
// block, with its 95% interval (intervals.h); nullopt when either is absent.
std::optional<Interval> paired_ratio(const std::vector<Group> &groups, const Group &g,
                                     const std::string &ref_governor, Metric m);

const Group *find_group(const std::vector<Group> &groups, const std::string &scenario,
                        const std::string &governor);

}  // namespace wfisbench
