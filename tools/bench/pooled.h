// pooled.h - one (scenario, governor)'s exact samples pooled over its runs: the distribution and
// dense empirical CDF points for plots (intervals use per-run percentiles instead).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "latency_dist.h"

namespace wfisbench {

// x positions per decade of cdf_points (recorded in the JSON beside the points).
constexpr int kCdfPointsPerDecade = 40;

// The exact empirical CDF of the samples as (x us, fraction of samples <= x):
// at the smallest sample (or 0.1 us, when smaller), at kCdfPointsPerDecade
// log-spaced x per decade (4 significant digits) in between, and at the
// largest sample (fraction 1). Where the CDF is flat, only the ends of the
// flat stretch are kept, so a line through the points draws the same curve.
// Empty when there are no samples.
std::vector<std::pair<double, double>> cdf_points(std::vector<int32_t> samples_ns);

// The exact distribution of the pooled samples (nullopt when empty).
std::optional<wfisvm::LatencyUs> pooled_distribution(const std::vector<int32_t> &samples_ns);

}  // namespace wfisbench
