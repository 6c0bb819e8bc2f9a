// median_ci.h - the median of K block values with its distribution-free 95% interval from the
// order statistics (the binomial rank interval), for the plots' whiskers.
#pragma once

#include <optional>
#include <vector>

namespace wfisbench {

struct MedianCi {
    double median = 0;  // mean of the middle two for an even count
    double low = 0, high = 0;
    int n = 0;            // values used
    bool rank = false;    // true: [x(j), x(n+1-j)] covers the median with >= 95%;
                          // false: n < 6, no rank interval reaches 95%: [min, max]
    double coverage = 0;  // the rank interval's exact coverage (0 when !rank)
};

// The median of v and its interval [x(j), x(n+1-j)] of the sorted values, j the
// largest rank with 1 - 2 P(Bin(n, 1/2) <= j - 1) >= 0.95. Assumes only that
// the blocks are independent draws of one distribution (no symmetry, no
// bootstrap). Below 6 values even [min, max] covers less than 95%: the
// result is then min-max with rank = false. nullopt when v is empty.
std::optional<MedianCi> median_ci(std::vector<double> v);

}  // namespace wfisbench
