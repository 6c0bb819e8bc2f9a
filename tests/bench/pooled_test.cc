// pooled_test.cc - CDF points of pooled samples on a 1-2-5 grid.
#include "pooled.h"

#include <gtest/gtest.h>

using namespace wfisbench;

TEST(Pooled, CdfPointsOnAOneTwoFiveGrid) {
    EXPECT_TRUE(cdf_points({}).empty());
    // 10 samples: 3, 4, ..., 12 us.
    std::vector<uint32_t> s;
    for (uint32_t us = 12; us >= 3; us--) s.push_back(us * 1000);
    auto p = cdf_points(s);
    ASSERT_EQ(p.size(), 5u);  // 1, 2, 5, 10, 20: stops at the first >= 12
    EXPECT_DOUBLE_EQ(p[0].first, 1.0);
    EXPECT_DOUBLE_EQ(p[0].second, 0.0);
    EXPECT_DOUBLE_EQ(p[2].first, 5.0);
    EXPECT_DOUBLE_EQ(p[2].second, 0.3);  // 3, 4, 5 us
    EXPECT_DOUBLE_EQ(p[3].first, 10.0);
    EXPECT_DOUBLE_EQ(p[3].second, 0.8);
    EXPECT_DOUBLE_EQ(p[4].first, 20.0);
    EXPECT_DOUBLE_EQ(p[4].second, 1.0);
}

TEST(Pooled, DistributionOfThePooledSamples) {
    EXPECT_FALSE(pooled_distribution({}).has_value());
    std::vector<uint32_t> s;
    for (uint32_t us = 1; us <= 100; us++) s.push_back(us * 1000);
    auto d = pooled_distribution(s);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->count, 100u);
    EXPECT_DOUBLE_EQ(*d->p90, 90.0);
}
