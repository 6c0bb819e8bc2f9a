// pooled.h - one (scenario, governor)'s exact samples pooled over its runs: the distribution and
// CDF points for plots (intervals use per-run percentiles instead).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "latency_dist.h"

namespace wfisbench {

// (x us, fraction of samples <= x) at 1-2-5 steps per decade, from the
// decade below the smallest sample to the first step at or above the
// largest; empty when there are no samples.
std::vector<std::pair<double, double>> cdf_points(std::vector<uint32_t> samples_ns);

// The exact distribution of the pooled samples (nullopt when empty).
std::optional<wfisvm::LatencyUs> pooled_distribution(const std::vector<uint32_t> &samples_ns);

}  // namespace wfisbench
