// intervals_test.cc - the paired-block interval: known Hodges-Lehmann values, exact coverage, a
// synthetic pair with a known difference is found, a null pair is inconclusive.
#include "intervals.h"

#include <gtest/gtest.h>

#include <cmath>

#include "goals.h"

using namespace wfisbench;

namespace {

// Deterministic noise in [-1, 1], different for every block.
double noise(int b) {
    return std::sin(b * 2.399963);
}

TEST(Intervals, HodgesLehmannOfKnownValues) {
    EXPECT_FALSE(location_interval({}).has_value());
    // Walsh averages of {1, 2, 3}: 1, 1.5, 2, 2, 2.5, 3 -> median 2.
    auto iv = location_interval({3, 1, 2});
    ASSERT_TRUE(iv);
    EXPECT_DOUBLE_EQ(iv->point, 2.0);
    EXPECT_FALSE(iv->low.has_value());  // 3 blocks cannot give 95%
    EXPECT_EQ(iv->n, 3);
}

TEST(Intervals, ExactSignedRankCoverage) {
    // n = 6: only the extreme Walsh averages (coverage 1 - 2/64); n = 8:
    // ranks 4 and 33 of 36 (P(T+ <= 3) = 5/256, coverage 0.961).
    auto six = location_interval({1, 2, 3, 4, 5, 6});
    ASSERT_TRUE(six && six->low && six->high);
    EXPECT_DOUBLE_EQ(*six->low, 1.0);
    EXPECT_DOUBLE_EQ(*six->high, 6.0);
    EXPECT_NEAR(six->coverage, 1.0 - 2.0 / 64, 1e-12);
    auto eight = location_interval({1, 2, 3, 4, 5, 6, 7, 8});
    ASSERT_TRUE(eight && eight->low);
    EXPECT_DOUBLE_EQ(*eight->low, 2.0);   // 4th smallest Walsh average: 1,1.5,2,2
    EXPECT_DOUBLE_EQ(*eight->high, 7.0);  // by symmetry
    EXPECT_NEAR(eight->coverage, 1.0 - 2.0 * 5 / 256, 1e-12);
    EXPECT_FALSE(location_interval({1, 2, 3, 4, 5})->low.has_value());
}

TEST(Intervals, FindsAKnownDifferenceAndCallsANullPairInconclusive) {
    std::vector<std::optional<double>> a, b, same;
    for (int k = 0; k < 8; k++) {
        double base = 100 * (1 + 0.2 * noise(k));  // 20% block-to-block drift
        b.push_back(base);
        a.push_back(0.7 * base * (1 + 0.01 * noise(k + 11)));  // 30% less, 1% noise
        same.push_back(base * (1 + 0.05 * noise(k + 5)));      // no difference, 5% noise
    }
    auto diff = ratio_interval(a, b);
    ASSERT_TRUE(diff && diff->low && diff->high);
    EXPECT_NEAR(diff->point, 0.7, 0.01);
    EXPECT_LT(*diff->high, 0.8);
    EXPECT_EQ(judge(diff->low, diff->high, "<=", 0.8), Verdict::kMet);
    auto null_pair = ratio_interval(same, b);
    ASSERT_TRUE(null_pair && null_pair->low && null_pair->high);
    EXPECT_LT(*null_pair->low, 1.0);
    EXPECT_GT(*null_pair->high, 1.0);
    EXPECT_EQ(judge(null_pair->low, null_pair->high, "<=", 1.0), Verdict::kInconclusive);
    EXPECT_EQ(judge(null_pair->low, null_pair->high, ">=", 1.0), Verdict::kInconclusive);
}

TEST(Intervals, RatioSkipsMissingAndNonPositiveBlocks) {
    std::vector<std::optional<double>> a = {2, std::nullopt, 4, 0}, b = {1, 1, 2, 5};
    auto iv = ratio_interval(a, b);
    ASSERT_TRUE(iv);
    EXPECT_EQ(iv->n, 2);
    EXPECT_DOUBLE_EQ(iv->point, 2.0);
    EXPECT_FALSE(ratio_interval({std::nullopt}, {1.0}).has_value());
}

TEST(Intervals, Formatting) {
    EXPECT_EQ(format_interval(std::nullopt), "-");
    Interval iv;
    iv.point = 0.8512;
    EXPECT_EQ(format_interval(iv), "0.85");
    iv.low = 0.8;
    iv.high = 0.91;
    EXPECT_EQ(format_interval(iv), "0.85 [0.80, 0.91]");
    EXPECT_EQ(format_interval(iv, false), "0.85");
    // The pairs it used, when fewer than the run's blocks.
    iv.n = 7;
    EXPECT_EQ(format_interval(iv, true, 8), "0.85 [0.80, 0.91] (7/8)");
    EXPECT_EQ(format_interval(iv, true, 7), "0.85 [0.80, 0.91]");
    EXPECT_EQ(format_interval(iv, false, 8), "0.85 (7/8)");
}

}  // namespace
