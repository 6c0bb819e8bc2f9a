// pooled_test.cc - dense CDF points of pooled samples: exact at every point, monotone, from the
// smallest to the largest sample, flat stretches thinned; the pooled distribution.
#include "pooled.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace wfisbench;

namespace {

double exact_fraction(const std::vector<int32_t> &s, double x_us) {
    size_t k = 0;
    for (int32_t v : s) k += v <= x_us * 1e3 + 1e-6;  // whole ns <= x
    return static_cast<double>(k) / static_cast<double>(s.size());
}

}  // namespace

TEST(Pooled, CdfOfNoSamplesIsEmpty) {
    EXPECT_TRUE(cdf_points({}).empty());
}

TEST(Pooled, CdfIsExactMonotoneAndEndsAtOne) {
    std::mt19937 rng(3);
    std::lognormal_distribution<double> d(std::log(50e3), 1.2);  // ns, median 50 us
    std::vector<int32_t> s(5000);
    for (auto &v : s) v = static_cast<int32_t>(std::min(d(rng), 2e9));
    auto p = cdf_points(s);
    ASSERT_GE(p.size(), 3u);
    const auto [mn, mx] = std::minmax_element(s.begin(), s.end());
    EXPECT_DOUBLE_EQ(p.front().first, std::max(*mn / 1e3, 0.1));
    EXPECT_DOUBLE_EQ(p.back().first, *mx / 1e3);
    EXPECT_DOUBLE_EQ(p.back().second, 1.0);
    for (size_t i = 0; i < p.size(); i++) {
        EXPECT_DOUBLE_EQ(p[i].second, exact_fraction(s, p[i].first)) << "x " << p[i].first;
        if (i) {
            EXPECT_GT(p[i].first, p[i - 1].first);
            EXPECT_GE(p[i].second, p[i - 1].second);
        }
    }
    // Dense: about kCdfPointsPerDecade points per decade where the CDF rises.
    const double decades = std::log10(p.back().first / p.front().first);
    EXPECT_GE(p.size(), static_cast<size_t>(decades * kCdfPointsPerDecade * 0.7));
}

TEST(Pooled, CdfAtTheSampleValuesAndFlatStretchesThinned) {
    // Two clusters, 1 us and 1000 us: the 2.99 decades between are flat, so
    // only their ends are kept.
    std::vector<int32_t> s = {1000, 1000, 1000, 1000000};
    auto p = cdf_points(s);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_DOUBLE_EQ(p[0].first, 1.0);
    EXPECT_DOUBLE_EQ(p[0].second, 0.75);  // exact at the smallest sample
    EXPECT_DOUBLE_EQ(p[1].second, 0.75);  // the flat stretch's last grid point
    EXPECT_LT(p[1].first, 1000.0);
    EXPECT_DOUBLE_EQ(p[2].first, 1000.0);
    EXPECT_DOUBLE_EQ(p[2].second, 1.0);
    // Samples below 0.1 us start the curve at 0.1 us.
    auto z = cdf_points({0, 20, 500});
    EXPECT_DOUBLE_EQ(z.front().first, 0.1);
    EXPECT_DOUBLE_EQ(z.front().second, 2.0 / 3);
}

TEST(Pooled, DistributionOfThePooledSamples) {
    EXPECT_FALSE(pooled_distribution({}).has_value());
    std::vector<int32_t> s;
    for (int32_t us = 1; us <= 100; us++) s.push_back(us * 1000);
    auto d = pooled_distribution(s);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->count, 100u);
    EXPECT_DOUBLE_EQ(*d->p90, 90.0);
}
