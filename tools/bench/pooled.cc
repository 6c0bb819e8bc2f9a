// pooled.cc - the empirical CDF at log-spaced points and the pooled distribution.
#include "pooled.h"

#include <algorithm>
#include <cmath>

namespace wfisbench {

namespace {

double round_sig4(double x) {
    const double scale = std::pow(10.0, 3 - std::floor(std::log10(x)));
    return std::round(x * scale) / scale;
}

}  // namespace

std::vector<std::pair<double, double>> cdf_points(std::vector<int32_t> s) {
    std::vector<std::pair<double, double>> all;
    if (s.empty()) return all;
    std::sort(s.begin(), s.end());
    const double n = static_cast<double>(s.size());
    // Fraction of samples <= x us (the samples are whole ns; early ones,
    // below 0, count at the axis' floor).
    auto frac = [&](double x_us) {
        const auto bound = static_cast<int64_t>(std::floor(x_us * 1e3 + 1e-6));
        return static_cast<double>(std::upper_bound(s.begin(), s.end(), bound) - s.begin()) / n;
    };
    const double lo = std::max(s.front() / 1e3, 0.1), hi = s.back() / 1e3;
    all.emplace_back(lo, frac(lo));
    for (int k = static_cast<int>(std::floor(std::log10(lo) * kCdfPointsPerDecade)) + 1;; k++) {
        const double x = round_sig4(std::pow(10.0, static_cast<double>(k) / kCdfPointsPerDecade));
        if (x >= hi) break;
        if (x > all.back().first) all.emplace_back(x, frac(x));
    }
    if (hi > all.back().first) all.emplace_back(hi, 1.0);
    // Drop the inside of flat stretches.
    std::vector<std::pair<double, double>> out;
    for (size_t i = 0; i < all.size(); i++) {
        const bool flat = i > 0 && i + 1 < all.size() && all[i - 1].second == all[i].second &&
                          all[i + 1].second == all[i].second;
        if (!flat) out.push_back(all[i]);
    }
    return out;
}

std::optional<wfisvm::LatencyUs> pooled_distribution(const std::vector<int32_t> &s) {
    return wfisvm::exact_distribution(std::vector<int64_t>(s.begin(), s.end()));
}

}  // namespace wfisbench
