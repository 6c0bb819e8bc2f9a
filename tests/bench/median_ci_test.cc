// median_ci_test.cc - the rank interval of the median: known ranks and coverage, the min-max
// fallback below 6 values, and the interval's coverage on synthetic draws.
#include "median_ci.h"

#include <gtest/gtest.h>

#include <random>

using namespace wfisbench;

TEST(MedianCi, EmptyHasNone) {
    EXPECT_FALSE(median_ci({}).has_value());
}

TEST(MedianCi, FewValuesFallBackToMinMax) {
    // Five values: [min, max] covers 1 - 2/32 = 0.9375 < 95%.
    auto c = median_ci({5, 1, 4, 2, 3});
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->rank);
    EXPECT_EQ(c->n, 5);
    EXPECT_DOUBLE_EQ(c->median, 3);
    EXPECT_DOUBLE_EQ(c->low, 1);
    EXPECT_DOUBLE_EQ(c->high, 5);
}

TEST(MedianCi, KnownRanks) {
    // n = 6 and 8: only [x(1), x(n)] reaches 95% (1 - 2/64, 1 - 2/256).
    auto six = median_ci({6, 5, 4, 3, 2, 1});
    ASSERT_TRUE(six && six->rank);
    EXPECT_DOUBLE_EQ(six->median, 3.5);
    EXPECT_DOUBLE_EQ(six->low, 1);
    EXPECT_DOUBLE_EQ(six->high, 6);
    EXPECT_NEAR(six->coverage, 1 - 2.0 / 64, 1e-12);
    auto eight = median_ci({1, 2, 3, 4, 5, 6, 7, 8});
    ASSERT_TRUE(eight && eight->rank);
    EXPECT_DOUBLE_EQ(eight->low, 1);
    EXPECT_DOUBLE_EQ(eight->high, 8);
    // n = 9: [x(2), x(8)], coverage 1 - 2 x 10/512 = 0.9609.
    auto nine = median_ci({9, 8, 7, 6, 5, 4, 3, 2, 1});
    ASSERT_TRUE(nine && nine->rank);
    EXPECT_DOUBLE_EQ(nine->median, 5);
    EXPECT_DOUBLE_EQ(nine->low, 2);
    EXPECT_DOUBLE_EQ(nine->high, 8);
    EXPECT_NEAR(nine->coverage, 1 - 20.0 / 512, 1e-12);
    // n = 20: [x(6), x(15)] (P(B <= 5) = 0.0207, P(B <= 6) = 0.0577).
    std::vector<double> twenty;
    for (int i = 20; i >= 1; i--) twenty.push_back(i);
    auto t = median_ci(twenty);
    ASSERT_TRUE(t && t->rank);
    EXPECT_DOUBLE_EQ(t->low, 6);
    EXPECT_DOUBLE_EQ(t->high, 15);
    EXPECT_GE(t->coverage, 0.95);
}

TEST(MedianCi, CoversTheTrueMedianAtLeast95Percent) {
    // Skewed draws (exponential, true median ln 2), 15 blocks each.
    std::mt19937 rng(7);
    std::exponential_distribution<double> exp1(1.0);
    int covered = 0;
    const int trials = 4000;
    for (int t = 0; t < trials; t++) {
        std::vector<double> v(15);
        for (auto &x : v) x = exp1(rng);
        auto c = median_ci(v);
        ASSERT_TRUE(c && c->rank);
        covered += c->low <= std::log(2.0) && std::log(2.0) <= c->high;
    }
    // Exact coverage for n = 15 is 0.965; 4000 trials: sd 0.003.
    EXPECT_GE(covered, trials * 0.95);
    EXPECT_LE(covered, trials * 0.98);
}
