// adaptive_convergence_test.cc - what the adaptive policy learns from synthetic traces.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "policy/adaptive_policy.h"
#include "real_wait.h"

namespace {

using adaptive_test::execute;
using adaptive_test::Outcome;
using adaptive_test::report;
using wfisleep::AdaptiveParams;
using wfisleep::AdaptivePolicy;

constexpr uint64_t kUs = 1000;
constexpr uint64_t kMs = 1000 * kUs;
constexpr uint64_t kSecond = 1000 * kMs;
constexpr uint64_t kNever = UINT64_MAX;

// A guest with a periodic timer of period_ns and no kicks; each sleep
// returns oversleep(i) late. Returns the time after `rounds` ticks.
template <typename Oversleep>
uint64_t run_ticks(AdaptivePolicy &pol, uint64_t now, int rounds, uint64_t period_ns,
                   bool with_wake_time, Oversleep oversleep) {
    for (int i = 0; i < rounds; ++i) {
        const uint64_t deadline = now + period_ns;
        const wfisleep_plan p = pol.plan(now, false, deadline);
        const Outcome o = execute(p, now, kNever, oversleep(i));
        report(pol, o, with_wake_time);
        now = (o.end_ns > deadline ? o.end_ns : deadline) + 20 * kUs;  // guest runs a bit
    }
    return now;
}

// ---- wake-up advance -------------------------------------------------------

// Oversleep of the shape seen on this machine: a floor, an exponential
// spread, and rare multi-millisecond preemptions. Bulk mean 25 us, median
// ~22 us. The same seeded sequence for every test that draws from it.
struct NoisyLaw {
    std::mt19937_64 rng{99};
    std::exponential_distribution<double> spread{1.0 / 10000.0};
    uint64_t operator()() {
        if (rng() % 100 == 0) {
            return 2 * kMs + rng() % (3 * kMs);
        }
        return 15 * kUs + static_cast<uint64_t>(spread(rng));
    }
};

class ConstantOversleep : public ::testing::TestWithParam<uint64_t> {};

TEST_P(ConstantOversleep, AdvanceConvergesToItWithWakeTimes) {
    const uint64_t x = GetParam();
    AdaptivePolicy pol(AdaptiveParams{});
    run_ticks(pol, kMs, 100, kMs, true, [&](int) { return x; });
    // Within 5% (or 200 ns) after 100 rounds: error/8 per round.
    const uint64_t tol = std::max<uint64_t>(x / 20, 200);
    EXPECT_NEAR(static_cast<double>(pol.advance_ns()), static_cast<double>(x),
                static_cast<double>(tol));
    // Once learned, the waits end on time: no more late wakes.
    const uint64_t late = pol.late_wakes();
    run_ticks(pol, 200 * kMs, 50, kMs, true, [&](int) { return x; });
    EXPECT_LE(pol.late_wakes() - late, 50u);  // bounded by rounds (sanity)
    EXPECT_NEAR(static_cast<double>(pol.advance_ns()), static_cast<double>(x),
                static_cast<double>(tol));
}

TEST_P(ConstantOversleep, AdvanceConvergesNearItWithoutWakeTimes) {
    // Only end_ns: an on-time wait hides the oversleep, so the advance is
    // probed down until a wait is late, which measures it again.
    const uint64_t x = GetParam();
    AdaptivePolicy pol(AdaptiveParams{});
    run_ticks(pol, kMs, 400, kMs, false, [&](int) { return x; });
    const uint64_t tol = std::max<uint64_t>(x / 5, 2 * kUs);
    EXPECT_NEAR(static_cast<double>(pol.advance_ns()), static_cast<double>(x),
                static_cast<double>(tol));
}

INSTANTIATE_TEST_SUITE_P(Adaptive, ConstantOversleep,
                         ::testing::Values(2 * kUs, 25 * kUs, 60 * kUs, 150 * kUs));

TEST(AdaptiveAdvance, LateWakesAreCountedWhileLearning) {
    AdaptivePolicy pol(AdaptiveParams{});  // starts at 10 us
    run_ticks(pol, kMs, 5, kMs, true, [](int) { return 40 * kUs; });
    EXPECT_EQ(pol.late_wakes(), 1u) << "10 us advance vs 40 us oversleep: late once, then a cold "
                                       "class takes its first sample as the estimate";
    AdaptivePolicy on_time(AdaptiveParams{});
    run_ticks(on_time, kMs, 5, kMs, true, [](int) { return 3 * kUs; });
    EXPECT_EQ(on_time.late_wakes(), 0u);
}

TEST(AdaptiveAdvance, SpinsTheAdvanceAfterTheSleep) {
    AdaptivePolicy pol(AdaptiveParams{});
    run_ticks(pol, kMs, 100, kMs, true, [](int) { return 30 * kUs; });
    const uint64_t now = 500 * kMs;
    const wfisleep_plan p = pol.plan(now, false, now + kMs);
    EXPECT_EQ(p.poll_ns, 0u);
    EXPECT_EQ(p.spin_ns, pol.advance_ns());
    EXPECT_EQ(p.poll_ns + p.sleep_ns + p.spin_ns, kMs) << "ends exactly at the deadline";
}

TEST(AdaptiveAdvance, IsolatedOutliersAreIgnored) {
    AdaptivePolicy pol(AdaptiveParams{});
    uint64_t now = run_ticks(pol, kMs, 150, kMs, true, [](int) { return 20 * kUs; });
    const uint64_t learned = pol.advance_ns();
    // One 5 ms preemption of a wait of the same length: ignored entirely.
    now = run_ticks(pol, now, 1, kMs, true, [](int) { return 5 * kMs; });
    EXPECT_EQ(pol.advance_ns(), learned);
    // An outlier every 10th wait: never enough in a row to count.
    run_ticks(pol, now, 300, kMs, true, [](int i) { return i % 10 == 9 ? 3 * kMs : 20 * kUs; });
    EXPECT_NEAR(static_cast<double>(pol.advance_ns()), 20.0 * kUs, 1.0 * kUs);
}

TEST(AdaptiveAdvance, ARunOfLargeOversleepsIsTheNewNormal) {
    const AdaptiveParams params;
    AdaptivePolicy pol(params);
    uint64_t now = run_ticks(pol, kMs, 100, kMs, true, [](int) { return 5 * kUs; });
    // The host got much worse (e.g. coalescing): 250 us every time.
    now = run_ticks(pol, now, 200, 2 * kMs, true, [](int) { return 250 * kUs; });
    EXPECT_NEAR(static_cast<double>(pol.advance_ns()), 250.0 * kUs, 15.0 * kUs);
    // Worse than the class allows (3/4 of its shortest span, ~1.57 ms for
    // 4 ms waits, under the 2 ms maximum): capped there.
    run_ticks(pol, now, 200, 4 * kMs, true, [](int) { return 3 * kMs; });
    const uint64_t cap = pol.classes().cap_ns(pol.last_class());
    EXPECT_LT(cap, params.advance_max_ns);
    EXPECT_LE(pol.advance_ns(), cap);
    EXPECT_GE(pol.advance_ns(), cap - kUs);
    EXPECT_LE(pol.oversleep_mean_ns(), cap) << "samples are clamped";
    // Back to normal: the advance comes down again (error/8 per wait).
    run_ticks(pol, now + kSecond, 40, kMs, true, [](int) { return 20 * kUs; });
    EXPECT_LT(pol.advance_ns(), 30 * kUs);
}

TEST(AdaptiveAdvance, NoisyOversleepPutsTheAdvanceInTheBulkNotTheTail) {
    NoisyLaw law;
    auto sample = [&law](int) { return law(); };
    AdaptiveParams params;
    params.advance_dev_pct = 0;  // the mean itself: the margin is tested elsewhere
    // The absolute outlier bound alone: the relative one is a share of the
    // advance, here the bare mean, and would trim this law's natural tail
    // (the defaults' margin keeps it clear: the next test).
    params.advance_outlier_pct = 0;
    AdaptivePolicy pol(params);
    uint64_t now = run_ticks(pol, kMs, 200, kMs, true, sample);
    uint64_t sum = 0;
    const int rounds = 2000;
    const uint64_t late_before = pol.late_wakes();
    for (int i = 0; i < rounds; ++i) {
        now = run_ticks(pol, now, 1, kMs, true, sample);
        sum += pol.advance_ns();
    }
    const double avg = static_cast<double>(sum) / rounds;
    EXPECT_GT(avg, 20.0 * kUs);
    EXPECT_LT(avg, 30.0 * kUs) << "the 1% of 2-5 ms outliers must not drag it up";
    // Around the mean of the bulk: some waits are late, most are not.
    const uint64_t late = pol.late_wakes() - late_before;
    EXPECT_GT(late, rounds / 10u);
    EXPECT_LT(late, rounds / 2u);
}

// The same law under the defaults (margin of two mean deviations, relative
// outlier bound): the advance covers the bulk, most of its tail is learned
// (the multi-millisecond preemptions are outliers), and few waits are late.
TEST(AdaptiveAdvance, NoisyOversleepUnderTheDefaults) {
    NoisyLaw law;
    auto sample = [&law](int) { return law(); };
    AdaptivePolicy pol(AdaptiveParams{});
    uint64_t now = run_ticks(pol, kMs, 200, kMs, true, sample);
    uint64_t sum = 0;
    uint64_t mean_sum = 0;
    const int rounds = 2000;
    const uint64_t late_before = pol.late_wakes();
    for (int i = 0; i < rounds; ++i) {
        now = run_ticks(pol, now, 1, kMs, true, sample);
        sum += pol.advance_ns();
        mean_sum += pol.oversleep_mean_ns();
    }
    const double avg = static_cast<double>(sum) / rounds;
    const double mean = static_cast<double>(mean_sum) / rounds;
    EXPECT_GT(mean, 22.0 * kUs) << "the tail of the bulk is learned, not trimmed";
    EXPECT_LT(mean, 30.0 * kUs) << "the 1% of 2-5 ms outliers must not drag it up";
    EXPECT_LT(avg, 60.0 * kUs);
    // 13% here (the 1% preemptions, the law's tail past mean + 2 deviations,
    // and what the 50% bound trims of it); 11% with the absolute bound only
    // (OUTLIER_PCT=0), 12% with 100% (docs/adaptive.md).
    const uint64_t late = pol.late_wakes() - late_before;
    EXPECT_LT(late, rounds * 3 / 20u);
}

TEST(AdaptiveAdvance, StaysWithinItsBounds) {
    AdaptiveParams params;
    params.advance_min_ns = 8 * kUs;
    params.advance_init_ns = 10 * kUs;
    params.advance_max_ns = 30 * kUs;
    AdaptivePolicy pol(params);
    uint64_t now = run_ticks(pol, kMs, 200, kMs, true, [](int) { return 0; });
    EXPECT_EQ(pol.advance_ns(), 8 * kUs);
    run_ticks(pol, now, 200, kMs, true, [](int) { return 100 * kUs; });
    EXPECT_EQ(pol.advance_ns(), 30 * kUs);
}

TEST(AdaptiveAdvance, AKickDuringTheSleepTeachesNothing) {
    AdaptivePolicy pol(AdaptiveParams{});
    const uint64_t before = pol.advance_ns();
    uint64_t now = kMs;
    for (int i = 0; i < 50; ++i) {
        const wfisleep_plan p = pol.plan(now, false, now + kMs);
        const Outcome o = execute(p, now, now + 300 * kUs, 500 * kUs);
        ASSERT_TRUE(o.kicked);
        pol.done(o.end_ns, o.kicked, o.woke_ns);
        now = o.end_ns + 20 * kUs;
    }
    EXPECT_EQ(pol.advance_ns(), before);
}

TEST(AdaptiveAdvance, ADeadlineCloserThanASleepIsSpun) {
    const AdaptiveParams params;
    AdaptivePolicy pol(params);
    const uint64_t now = 10 * kMs;
    const uint64_t close = pol.advance_ns() + params.sleep_min_ns - 1;
    wfisleep_plan p = pol.plan(now, false, now + close);
    EXPECT_EQ(p.sleep_ns, 0u);
    EXPECT_EQ(p.poll_ns + p.spin_ns, close);
    p = pol.plan(now, false, now + close + 1);
    EXPECT_EQ(p.sleep_ns, params.sleep_min_ns);
    EXPECT_EQ(p.spin_ns, pol.advance_ns());
}

// ---- poll window -------------------------------------------------------------

// Kicks that come delay_ns after each halt; timer off or far away.
Outcome run_kicks(AdaptivePolicy &pol, uint64_t &now, int rounds, uint64_t delay_ns,
                  uint64_t deadline_after_ns) {
    Outcome o;
    for (int i = 0; i < rounds; ++i) {
        const uint64_t d =
            deadline_after_ns == kNever ? WFISLEEP_NO_DEADLINE : now + deadline_after_ns;
        const wfisleep_plan p = pol.plan(now, false, d);
        o = execute(p, now, now + delay_ns, 10 * kUs);
        pol.done(o.end_ns, o.kicked, o.woke_ns);
        now = o.end_ns + 5 * kUs;
    }
    return o;
}

class ShortKickDelay : public ::testing::TestWithParam<uint64_t> {};

TEST_P(ShortKickDelay, WindowGrowsToCoverKicks) {
    const uint64_t delay = GetParam();
    AdaptiveParams params;
    params.poll_max_ns = 200 * kUs;  // the mechanism, under a cap above every delay
    for (const uint64_t deadline_after : {kNever, 10 * kMs}) {
        AdaptivePolicy pol(params);
        uint64_t now = kMs;
        EXPECT_EQ(pol.poll_window_ns(), 0u);
        run_kicks(pol, now, 10, delay, deadline_after);
        EXPECT_GE(pol.poll_window_ns(), delay);
        // Now every kick lands in the poll, and the window stays put.
        const uint64_t w = pol.poll_window_ns();
        for (int i = 0; i < 20; ++i) {
            const Outcome o = run_kicks(pol, now, 1, delay, deadline_after);
            EXPECT_TRUE(o.in_poll);
        }
        EXPECT_EQ(pol.poll_window_ns(), w);
        EXPECT_LE(w, 2 * delay + AdaptiveParams{}.poll_grow_start_ns) << "grows no further";
    }
}

INSTANTIATE_TEST_SUITE_P(Adaptive, ShortKickDelay,
                         ::testing::Values(3 * kUs, 30 * kUs, 90 * kUs, 180 * kUs));

TEST(AdaptivePoll, NoKicksShrinkTheWindowToItsMinimum) {
    for (const uint64_t min : {uint64_t{0}, 15 * kUs}) {
        AdaptiveParams params;
        params.poll_min_ns = min;
        params.poll_init_ns = params.poll_max_ns;
        AdaptivePolicy pol(params);
        // Timer ends every wait; no kick at all.
        run_ticks(pol, kMs, 12, kMs, true, [](int) { return 5 * kUs; });
        EXPECT_EQ(pol.poll_window_ns(), min);
    }
}

TEST(AdaptivePoll, KicksLaterThanTheCapShrinkTheWindow) {
    AdaptivePolicy pol(AdaptiveParams{});
    uint64_t now = kMs;
    run_kicks(pol, now, 10, 50 * kUs, kNever);
    ASSERT_GT(pol.poll_window_ns(), 0u);
    run_kicks(pol, now, 12, 2 * kMs, kNever);  // far beyond poll_max_ns
    EXPECT_EQ(pol.poll_window_ns(), 0u);
}

TEST(AdaptivePoll, APeriodicTickNeverGrowsTheWindow) {
    for (const uint64_t period : {100 * kUs, kMs, 4 * kMs}) {
        AdaptivePolicy pol(AdaptiveParams{});
        uint64_t now = kMs;
        for (int i = 0; i < 500; ++i) {
            const uint64_t deadline = now + period;
            const wfisleep_plan p = pol.plan(now, false, deadline);
            // Half the time the VMM delivers the tick as a kick at the
            // deadline (a timer thread), half the time the wait just ends.
            const uint64_t kick = i % 2 ? deadline : kNever;
            const Outcome o = execute(p, now, kick, static_cast<uint64_t>(i % 7) * 3 * kUs);
            pol.done(o.end_ns, o.kicked, o.woke_ns);
            ASSERT_EQ(pol.poll_window_ns(), 0u) << "period " << period << " round " << i;
            now = std::max(o.end_ns, deadline) + 15 * kUs;
        }
    }
}

TEST(AdaptivePoll, ABurstOfKicksAmidTicksMakesPollingPay) {
    AdaptivePolicy pol(AdaptiveParams{});
    uint64_t now = kMs;
    run_ticks(pol, now, 100, kMs, true, [](int) { return 10 * kUs; });
    EXPECT_EQ(pol.poll_window_ns(), 0u);
    // A burst: kicks every 40 us while the tick is 1 ms away.
    now = 200 * kMs;
    int hits = 0;
    for (int i = 0; i < 64; ++i) {
        const Outcome o = run_kicks(pol, now, 1, 40 * kUs, kMs);
        hits += o.in_poll ? 1 : 0;
    }
    EXPECT_GE(hits, 58) << "after a few misses the window covers the burst";
    // The burst ends: the ticks shrink the window away again.
    run_ticks(pol, now, 10, kMs, true, [](int) { return 10 * kUs; });
    EXPECT_EQ(pol.poll_window_ns(), 0u);
}

TEST(AdaptivePoll, PoissonKicksSettleOnABoundedWindow) {
    // Kicks as a Poisson process (mean 100 us) under a 200 us cap: the window
    // must stay within it and catch a real share of the kicks without
    // polling forever.
    AdaptiveParams params;
    params.poll_max_ns = 200 * kUs;
    AdaptivePolicy pol(params);
    std::mt19937_64 rng(42);
    std::exponential_distribution<double> gap(1.0 / (100.0 * kUs));
    uint64_t now = kMs;
    int hits = 0;
    const int rounds = 4000;
    for (int i = 0; i < rounds; ++i) {
        const wfisleep_plan p = pol.plan(now, false, WFISLEEP_NO_DEADLINE);
        const Outcome o = execute(p, now, now + static_cast<uint64_t>(gap(rng)), 0);
        pol.done(o.end_ns, o.kicked, o.woke_ns);
        hits += o.in_poll ? 1 : 0;
        ASSERT_LE(pol.poll_window_ns(), params.poll_max_ns);
        now = o.end_ns + 5 * kUs;
    }
    EXPECT_GT(hits, rounds / 2) << "frequent kicks: polling pays";
    EXPECT_LT(hits, rounds) << "the window is bounded, some kicks come later";
}

}  // namespace
