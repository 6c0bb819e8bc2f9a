// governor_lateness_test.cc - the governors' return lateness: a wait that returned at or after its
// deadline is a sample of how late, one that returned before it counts as early; vCPU threads
// record concurrently without losing any.
#include "governor_lateness.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace wfisvm {
namespace {

TEST(GovernorLateness, AtOrAfterTheDeadlineIsASampleBeforeIsEarly) {
    GovernorLateness g(64);
    EXPECT_FALSE(g.distribution().has_value());
    EXPECT_EQ(g.early(), 0u);
    g.record(1'000'000, 1'000'000);  // at the deadline: 0 ns late
    g.record(1'000'000, 1'250'000);  // 250 us late
    g.record(1'000'000, 999'999);    // 1 ns early: not a sample
    g.record(5'000'000, 0);          // a kick long before the deadline
    EXPECT_EQ(g.early(), 2u);
    auto d = g.distribution();
    ASSERT_TRUE(d);
    EXPECT_EQ(d->count, 2u);
    EXPECT_TRUE(d->exact);
    EXPECT_DOUBLE_EQ(d->max, 250.0);
    EXPECT_FALSE(d->p50.has_value());  // 2 samples: percentiles need 100
}

TEST(GovernorLateness, ExactPercentilesOfTheSamples) {
    GovernorLateness g(4096);
    // 1000 waits returning 1..1000 us late, and 500 kicks.
    for (uint64_t us = 1; us <= 1000; us++) g.record(10'000'000, 10'000'000 + us * 1000);
    for (int i = 0; i < 500; i++) g.record(10'000'000, 9'000'000);
    auto d = g.distribution();
    ASSERT_TRUE(d);
    EXPECT_EQ(d->count, 1000u);
    EXPECT_EQ(g.early(), 500u);
    EXPECT_DOUBLE_EQ(d->p50.value_or(-1), 500.0);
    EXPECT_DOUBLE_EQ(d->p99.value_or(-1), 990.0);
    EXPECT_DOUBLE_EQ(d->p999.value_or(-1), 999.0);  // 1000 samples: p99.9 shown
    EXPECT_DOUBLE_EQ(d->over[4], 0.0);              // none later than 1000 us
}

TEST(GovernorLateness, ConcurrentVcpuThreadsLoseNothing) {
    GovernorLateness g(1024);  // beyond it: the histogram, same count
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++)
        threads.emplace_back([&g] {
            for (uint64_t i = 0; i < 5000; i++) g.record(1000, i % 2 ? 1000 + i : 999);
        });
    for (auto &t : threads) t.join();
    EXPECT_EQ(g.early(), 4u * 2500u);
    auto d = g.distribution();
    ASSERT_TRUE(d);
    EXPECT_EQ(d->count, 4u * 2500u);
    EXPECT_FALSE(d->exact);
    EXPECT_NEAR(d->max, 4.999, 1e-9);
}

}  // namespace
}  // namespace wfisvm
