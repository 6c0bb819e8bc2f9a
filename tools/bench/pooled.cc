// pooled.cc - CDF points on a 1-2-5 grid and the pooled distribution.
#include "pooled.h"

#include <algorithm>
#include <cmath>

namespace wfisbench {

std::vector<std::pair<double, double>> cdf_points(std::vector<uint32_t> s) {
    std::vector<std::pair<double, double>> out;
    if (s.empty()) return out;
    std::sort(s.begin(), s.end());
    const double lo_us = std::max(s.front() / 1e3, 0.1), hi_us = s.back() / 1e3;
    double decade = std::pow(10.0, std::floor(std::log10(lo_us)));
    const double n = static_cast<double>(s.size());
    for (;; decade *= 10) {
        for (double step : {1.0, 2.0, 5.0}) {
            const double x = decade * step;
            const auto bound = static_cast<uint64_t>(std::llround(x * 1e3));
            const auto upto = std::upper_bound(s.begin(), s.end(), bound) - s.begin();
            out.emplace_back(x, static_cast<double>(upto) / n);
            if (x >= hi_us) return out;
        }
    }
}

std::optional<wfisvm::LatencyUs> pooled_distribution(const std::vector<uint32_t> &s) {
    return wfisvm::exact_distribution(std::vector<uint64_t>(s.begin(), s.end()));
}

}  // namespace wfisbench
