// seed_policy_test.cc - the seed's rules a-d replayed with a fake clock at every boundary.
#include "policy/seed_policy.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace wfisleep {
namespace {

constexpr uint64_t kMs = 1000000;
constexpr uint64_t kUs = 1000;
constexpr uint64_t kCreated = 1000 * kMs;  // vCPU creation on the fake clock

// The tier table, written out independently of the implementation.
uint64_t expected_pct(uint64_t streak) {
    if (streak <= 50) {
        return 0;
    }
    if (streak <= 100) {
        return 10;
    }
    if (streak <= 200) {
        return 25;
    }
    if (streak <= 500) {
        return 50;
    }
    return 100;
}

SeedParams params(uint64_t max_us, uint64_t grace_ms) {
    SeedParams p;
    p.max_us = max_us;
    p.grace_ms = grace_ms;
    return p;
}

// Drives rapid calls (a gap of `gap` after each planned sleep) and checks
// every streak and sleep against the table.
TEST(SeedPolicy, TableEveryStreakFrom0To600) {
    SeedPolicy s(params(100, 0), kCreated);
    uint64_t t = kCreated + 5 * kMs;
    // First call: no previous call -> rule b.
    wfisleep_plan p = s.plan(t, false);
    EXPECT_EQ(s.streak(), 0u);
    EXPECT_EQ(p.sleep_ns, 0u);
    for (uint64_t want = 1; want <= 600; ++want) {
        t = s.prev_end_ns() + 10 * kUs;
        p = s.plan(t, false);
        ASSERT_EQ(s.streak(), want);
        ASSERT_EQ(p.sleep_ns, 100 * kUs * expected_pct(want) / 100) << "streak " << want;
        EXPECT_EQ(p.poll_ns, 0u);
        EXPECT_EQ(p.spin_ns, 0u);
        EXPECT_EQ(p.strict, 0);
        EXPECT_EQ(s.prev_end_ns(), t + p.sleep_ns);
    }
}

struct Boundary {
    uint64_t streak;
    uint64_t sleep_ns;  // for max 100 us
};

class SeedBoundary : public ::testing::TestWithParam<Boundary> {};

TEST_P(SeedBoundary, SleepAtStreak) {
    const Boundary b = GetParam();
    SeedPolicy s(params(100, 0), kCreated);
    // One call below the boundary, then the boundary call itself.
    s.set_state_for_testing(b.streak - 1, kCreated + 10 * kMs);
    const wfisleep_plan p = s.plan(kCreated + 10 * kMs + 1, false);
    EXPECT_EQ(s.streak(), b.streak);
    EXPECT_EQ(p.sleep_ns, b.sleep_ns);
}

INSTANTIATE_TEST_SUITE_P(Tiers, SeedBoundary,
                         ::testing::Values(Boundary{1, 0}, Boundary{50, 0}, Boundary{51, 10 * kUs},
                                           Boundary{100, 10 * kUs}, Boundary{101, 25 * kUs},
                                           Boundary{200, 25 * kUs}, Boundary{201, 50 * kUs},
                                           Boundary{500, 50 * kUs}, Boundary{501, 100 * kUs},
                                           Boundary{100000, 100 * kUs}),
                         [](const ::testing::TestParamInfo<Boundary> &p) {
                             return "streak_" + std::to_string(p.param.streak);
                         });

TEST(SeedPolicy, SleepIsComputedInNanoseconds) {
    // 10% of 5 us is 500 ns, not 0 (the activation line says "0.5 -> 5").
    EXPECT_EQ(SeedPolicy::sleep_for_streak(5, 51), 500u);
    EXPECT_EQ(SeedPolicy::sleep_for_streak(1, 101), 250u);
    EXPECT_EQ(SeedPolicy::sleep_for_streak(10000, 501), 10000 * kUs);
    EXPECT_EQ(SeedPolicy::sleep_for_streak(10000, 50), 0u);
}

TEST(SeedPolicy, GapOfExactlyOneMsIsActivity) {
    SeedPolicy s(params(100, 0), kCreated);
    s.set_state_for_testing(300, kCreated + 10 * kMs);
    const wfisleep_plan p = s.plan(kCreated + 10 * kMs + 1 * kMs, false);
    EXPECT_EQ(s.streak(), 0u);
    EXPECT_EQ(p.sleep_ns, 0u);
    EXPECT_EQ(s.prev_end_ns(), kCreated + 11 * kMs);
}

TEST(SeedPolicy, GapOfOneMsMinusOneNsIsRapid) {
    SeedPolicy s(params(100, 0), kCreated);
    s.set_state_for_testing(300, kCreated + 10 * kMs);
    const wfisleep_plan p = s.plan(kCreated + 11 * kMs - 1, false);
    EXPECT_EQ(s.streak(), 301u);
    EXPECT_EQ(p.sleep_ns, 50 * kUs);
}

TEST(SeedPolicy, GapIsMeasuredFromTheEndOfTheOwnSleep) {
    // A 10 ms max sleep: the next call 10.5 ms after entry is only 0.5 ms
    // after the planned sleep ended, so the streak continues.
    SeedPolicy s(params(10000, 0), kCreated);
    const uint64_t t0 = kCreated + 10 * kMs;
    s.set_state_for_testing(600, t0 - 1);
    const wfisleep_plan p = s.plan(t0, false);
    ASSERT_EQ(p.sleep_ns, 10 * kMs);
    EXPECT_EQ(s.prev_end_ns(), t0 + 10 * kMs);
    s.plan(t0 + 10 * kMs + kMs / 2, false);
    EXPECT_EQ(s.streak(), 602u);
}

TEST(SeedPolicy, TimeBeforePrevEndCountsAsGapZero) {
    SeedPolicy s(params(100, 0), kCreated);
    s.set_state_for_testing(60, kCreated + 50 * kMs);
    const wfisleep_plan p = s.plan(kCreated + 20 * kMs, false);  // 30 ms before prev_end
    EXPECT_EQ(s.streak(), 61u);
    EXPECT_EQ(p.sleep_ns, 10 * kUs);
    // prev_end follows this call's entry time, even if that moves it back.
    EXPECT_EQ(s.prev_end_ns(), kCreated + 20 * kMs + 10 * kUs);
}

TEST(SeedPolicy, FirstCallIsActivity) {
    SeedPolicy s(params(100, 0), kCreated);
    const wfisleep_plan p = s.plan(kCreated + 100 * kMs, false);
    EXPECT_EQ(s.streak(), 0u);
    EXPECT_EQ(p.sleep_ns, 0u);
    EXPECT_EQ(s.prev_end_ns(), kCreated + 100 * kMs);
}

TEST(SeedPolicy, HasWorkResetsStreakAndDoesNotSleep) {
    SeedPolicy s(params(100, 0), kCreated);
    const uint64_t t = kCreated + 10 * kMs;
    s.set_state_for_testing(1000, t - 1);
    const wfisleep_plan p = s.plan(t, true);
    EXPECT_EQ(s.streak(), 0u);
    EXPECT_EQ(p.sleep_ns, 0u);
    EXPECT_EQ(s.prev_end_ns(), t);  // updated on every call
    // The next rapid call counts from there: streak 1, no sleep yet.
    s.plan(t + 999 * kUs, false);
    EXPECT_EQ(s.streak(), 1u);
}

TEST(SeedPolicy, StreakRunsThroughTheEndOfGrace) {
    constexpr uint64_t kGraceMs = 15000;
    SeedPolicy s(params(100, kGraceMs), kCreated);
    const uint64_t grace_end = kCreated + kGraceMs * kMs;
    uint64_t t = grace_end - 50 * kMs;
    s.plan(t, false);
    // Rapid calls every 100 us up to the last ns inside the grace.
    while (t + 100 * kUs < grace_end) {
        t += 100 * kUs;
        const wfisleep_plan p = s.plan(t, false);
        ASSERT_EQ(s.streak(), 0u) << "inside grace at " << (grace_end - t) << " ns before end";
        ASSERT_EQ(p.sleep_ns, 0u);
    }
    s.plan(grace_end - 1, false);
    EXPECT_EQ(s.streak(), 0u);
    // At t - creation == grace the grace is over: the streak starts counting.
    s.plan(grace_end, false);
    EXPECT_EQ(s.streak(), 1u);
    t = grace_end;
    for (uint64_t want = 2; want <= 51; ++want) {
        t += 100 * kUs;
        const wfisleep_plan p = s.plan(t, false);
        ASSERT_EQ(s.streak(), want);
        ASSERT_EQ(p.sleep_ns, want == 51 ? 10 * kUs : 0u);
    }
}

TEST(SeedPolicy, TimeBeforeCreationIsInsideGrace) {
    SeedPolicy s(params(100, 0), kCreated);  // even with a zero grace
    s.set_state_for_testing(600, kCreated - 10 * kUs);
    const wfisleep_plan p = s.plan(kCreated - 5 * kUs, false);
    EXPECT_EQ(s.streak(), 0u);
    EXPECT_EQ(p.sleep_ns, 0u);
}

TEST(SeedPolicy, StreakSaturatesAndNeverWraps) {
    SeedPolicy s(params(100, 0), kCreated);
    const uint64_t t = kCreated + 10 * kMs;
    s.set_state_for_testing(UINT64_MAX - 1, t);
    wfisleep_plan p = s.plan(t + 1, false);
    EXPECT_EQ(s.streak(), UINT64_MAX);
    EXPECT_EQ(p.sleep_ns, 100 * kUs);
    p = s.plan(s.prev_end_ns() + 1, false);
    EXPECT_EQ(s.streak(), UINT64_MAX);
    EXPECT_EQ(p.sleep_ns, 100 * kUs);
}

TEST(SeedPolicy, PrevEndSaturatesAtTheEndOfTime) {
    SeedPolicy s(params(100, 0), 0);
    s.set_state_for_testing(600, UINT64_MAX - 10);
    const wfisleep_plan p = s.plan(UINT64_MAX - 5, false);
    EXPECT_EQ(p.sleep_ns, 100 * kUs);
    EXPECT_EQ(s.prev_end_ns(), UINT64_MAX);
}

TEST(SeedPolicy, StrictFlagIsCarriedIntoThePlan) {
    SeedParams sp = params(100, 0);
    sp.strict = true;
    SeedPolicy s(sp, kCreated);
    EXPECT_EQ(s.plan(kCreated + kMs, false).strict, 1);
}

}  // namespace
}  // namespace wfisleep
