// median_ci.cc - the binomial rank interval of the median.
#include "median_ci.h"

#include <algorithm>
#include <cmath>

namespace wfisbench {

namespace {

// P(Bin(n, 1/2) <= k), summed in logs so large n does not underflow 2^-n
// (log C(n, i) built up term by term; lgamma is not thread-safe).
double binom_half_cdf(int n, int k) {
    double sum = 0, log_c = 0;  // log C(n, 0)
    for (int i = 0; i <= k; i++) {
        if (i > 0) log_c += std::log(static_cast<double>(n - i + 1) / i);
        sum += std::exp(log_c - n * std::log(2.0));
    }
    return sum;
}

}  // namespace

std::optional<MedianCi> median_ci(std::vector<double> v) {
    if (v.empty()) return std::nullopt;
    std::sort(v.begin(), v.end());
    MedianCi c;
    c.n = static_cast<int>(v.size());
    c.median = c.n % 2 ? v[c.n / 2] : (v[c.n / 2 - 1] + v[c.n / 2]) / 2;
    c.low = v.front();
    c.high = v.back();
    // Ranks widen toward the middle while coverage stays >= 95%; j = 1 is
    // [min, max] with coverage 1 - 2^(1-n).
    for (int j = 1; j <= c.n / 2; j++) {
        const double cov = 1.0 - 2.0 * binom_half_cdf(c.n, j - 1);
        if (cov < 0.95) break;
        c.rank = true;
        c.coverage = cov;
        c.low = v[j - 1];
        c.high = v[c.n - j];
    }
    return c;
}

}  // namespace wfisbench
