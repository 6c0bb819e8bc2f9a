// intervals.h - 95% confidence intervals over paired blocks: the Hodges-Lehmann estimate with
// its exact Wilcoxon signed-rank interval (normal approximation above 60 blocks).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace wfisbench {

// The method, as printed under every table and recorded in the JSON.
extern const char *const kIntervalMethod;

struct Interval {
    double point = 0;                 // Hodges-Lehmann estimate: median of the Walsh averages
    std::optional<double> low, high;  // nullopt: too few blocks for 95% (n < 6)
    int n = 0;                        // blocks used
    double coverage = 0;              // the interval's exact coverage (>= 0.95)
};

// Location of x (one value per block): the Hodges-Lehmann estimate and the
// signed-rank interval [W(k), W(M+1-k)] of the M = n(n+1)/2 sorted Walsh
// averages, k the largest with P(T+ < k) <= 2.5% under the null. Assumes
// the values are symmetric about their centre; distribution-free otherwise.
// nullopt when x is empty.
std::optional<Interval> location_interval(std::vector<double> x);

// The same at a one-sided level alpha (0 < alpha < 0.5): [W(k), W(M+1-k)],
// k the largest with P(T+ <= k - 1) <= alpha, coverage >= 1 - 2 alpha. The
// goals' checks use it at their Holm-adjusted level.
std::optional<Interval> location_interval_at(std::vector<double> x, double alpha);

// P(T+ <= t) of the signed-rank statistic over n ranks under the null:
// exact up to 60 ranks, normal (continuity-corrected) above.
double signed_rank_cdf_at(int n, long t);

// One-sided exact signed-rank p-values of x's location against 0, counted
// on the Walsh averages so that each agrees with location_interval_at:
//   below_incl: "location <= 0" shown (p <= alpha iff the interval's high <= 0),
//   above_excl: "location > 0" shown (p <= alpha iff its low > 0),
//   above_incl: "location >= 0" shown (low >= 0), below_excl: "< 0" (high < 0).
struct SignedRankP {
    double below_incl = 1, above_excl = 1, above_incl = 1, below_excl = 1;
};
SignedRankP signed_rank_p(const std::vector<double> &x);

// a/b block by block: nullopt where either value is missing or not > 0 (the
// pairing rule of every ratio the bench reports).
std::vector<std::optional<double>> paired_ratios(const std::vector<std::optional<double>> &a,
                                                 const std::vector<std::optional<double>> &b);

// Ratio a/b over paired blocks: the interval of the per-block log ratios,
// exponentiated. Blocks where either value is missing or not > 0 are left
// out. nullopt when no pair is left.
std::optional<Interval> ratio_interval(const std::vector<std::optional<double>> &a,
                                       const std::vector<std::optional<double>> &b);

// "0.85 [0.80, 0.91]", "0.85" when there is no interval, "-" when absent;
// " (5/8)" appended when blocks > 0 and the interval paired fewer of them.
std::string format_interval(const std::optional<Interval> &iv, bool with_interval = true,
                            int blocks = 0);

}  // namespace wfisbench
