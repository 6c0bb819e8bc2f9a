// latency_dist_test.cc - exact percentiles, the n x (1 - p) >= 10 rule, missed ticks in the tail,
// over_us fractions, histogram (approx) figures.
#include "latency_dist.h"

#include <gtest/gtest.h>

namespace wfisvm {
namespace {

std::vector<int64_t> us_samples(int64_t from, int64_t to) {  // from..to us, 1 us apart
    std::vector<int64_t> s;
    for (int64_t v = to; v >= from; v--) s.push_back(v * 1000);  // unsorted on purpose
    return s;
}

TEST(QuantileRule, NeedsTenSamplesBeyondTheQuantile) {
    EXPECT_FALSE(quantile_shown(99, 5000));
    EXPECT_TRUE(quantile_shown(100, 5000));
    EXPECT_FALSE(quantile_shown(99, 9000));
    EXPECT_TRUE(quantile_shown(100, 9000));
    EXPECT_FALSE(quantile_shown(99, 9900));
    EXPECT_TRUE(quantile_shown(100, 9900));
    EXPECT_FALSE(quantile_shown(999, 9990));
    EXPECT_TRUE(quantile_shown(1000, 9990));
}

TEST(ExactDistribution, NearestRankOfKnownSamples) {
    EXPECT_FALSE(exact_distribution({}).has_value());
    auto l = exact_distribution(us_samples(1, 1000));  // 1..1000 us
    ASSERT_TRUE(l);
    EXPECT_EQ(l->count, 1000u);
    EXPECT_TRUE(l->exact);
    EXPECT_DOUBLE_EQ(*l->p50, 500.0);
    EXPECT_DOUBLE_EQ(*l->p90, 900.0);
    EXPECT_DOUBLE_EQ(*l->p99, 990.0);
    EXPECT_DOUBLE_EQ(*l->p999, 999.0);  // 1000 samples: p99.9 is shown (rank 999)
    EXPECT_DOUBLE_EQ(l->max, 1000.0);
    // "later than b": strictly above b us.
    EXPECT_DOUBLE_EQ(l->over[0], 950.0 / 1000);  // > 50 us
    EXPECT_DOUBLE_EQ(l->over[1], 900.0 / 1000);
    EXPECT_DOUBLE_EQ(l->over[2], 750.0 / 1000);
    EXPECT_DOUBLE_EQ(l->over[3], 500.0 / 1000);
    EXPECT_DOUBLE_EQ(l->over[4], 0.0);  // nothing above 1000 us
}

TEST(ExactDistribution, SmallCountsShowOnlyCountAndMax) {
    auto l = exact_distribution({7000, 3000, 5000});
    ASSERT_TRUE(l);
    EXPECT_EQ(l->count, 3u);
    EXPECT_FALSE(l->p50.has_value());
    EXPECT_FALSE(l->p99.has_value());
    EXPECT_DOUBLE_EQ(l->max, 7.0);
    auto p = exact_distribution(us_samples(1, 99));
    EXPECT_FALSE(p->p50.has_value());  // 99 samples: no percentile
    p = exact_distribution(us_samples(1, 100));
    ASSERT_TRUE(p->p50 && p->p90 && p->p99);
    EXPECT_DOUBLE_EQ(*p->p50, 50.0);
    EXPECT_DOUBLE_EQ(*p->p99, 99.0);
    EXPECT_FALSE(p->p999.has_value());  // p99.9 needs 1000
}

TEST(ExactDistribution, MissedTicksEnterTheTail) {
    // 990 on-time ticks at 10 us, and 10 missed ones late by 1.5 ms: p99 is
    // still on time, p99 of 1000 samples picks rank 990, but the tail
    // fractions count the missed ones in the denominator.
    std::vector<int64_t> s(990, 10'000);
    for (int i = 0; i < 10; i++) s.push_back(1'500'000);
    auto l = exact_distribution(s, 10);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->missed, 10u);
    EXPECT_DOUBLE_EQ(*l->p99, 10.0);
    EXPECT_DOUBLE_EQ(l->max, 1500.0);
    EXPECT_DOUBLE_EQ(l->over[4], 10.0 / 1000);
    // One more missed tick moves p99 into the tail.
    s.push_back(1'500'000);
    auto m = exact_distribution(s, 11);
    EXPECT_DOUBLE_EQ(*m->p99, 1500.0);
}

// An interrupt taken before its deadline is a negative sample: it stays
// negative in the percentiles and max, and is counted as early.
TEST(ExactDistribution, EarlySamplesStayNegative) {
    std::vector<int64_t> s = us_samples(1, 100);
    for (int i = 0; i < 60; i++) s.push_back(-5'000);  // 60 of 160 came 5 us early
    auto l = exact_distribution(s);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->early, 60u);
    EXPECT_DOUBLE_EQ(*l->p50, 20.0);  // rank 80: the 20th positive sample
    s.assign(200, -3'000);
    l = exact_distribution(s);
    EXPECT_DOUBLE_EQ(*l->p50, -3.0);
    EXPECT_DOUBLE_EQ(l->max, -3.0);
    EXPECT_DOUBLE_EQ(l->over[0], 0.0);
    EXPECT_EQ(l->early, 200u);
}

TEST(HistogramDistribution, LowerBucketEdgesMarkedApprox) {
    LatencyHistogram h{};
    EXPECT_FALSE(histogram_distribution(h).has_value());
    h[5] = 980;
    h[40] = 10;
    h[WFIS_HIST_LINEAR + 2] = 10;  // [1024, 2048) us
    auto l = histogram_distribution(h);
    ASSERT_TRUE(l);
    EXPECT_FALSE(l->exact);
    EXPECT_EQ(l->count, 1000u);
    EXPECT_DOUBLE_EQ(*l->p50, 5.0);
    EXPECT_DOUBLE_EQ(*l->p99, 40.0);
    EXPECT_DOUBLE_EQ(l->max, 1024.0);
    EXPECT_DOUBLE_EQ(l->over[4], 10.0 / 1000);
    // Missed ticks: in the count, above every bucket and every bound.
    auto m = histogram_distribution(h, 20);
    EXPECT_EQ(m->count, 1020u);
    EXPECT_EQ(m->missed, 20u);
    EXPECT_DOUBLE_EQ(m->over[4], 30.0 / 1020);
    EXPECT_DOUBLE_EQ(m->max, static_cast<double>(wfis_hist_lower_us(WFIS_HIST_BUCKETS - 1)));
}

}  // namespace
}  // namespace wfisvm
