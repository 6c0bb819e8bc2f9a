// adaptive_v2_test.cc - per-length learning, two-sleep plans, preemption and contention, on a fake
// clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>

#include "../common/fake_wait_clock.h"
#include "policy/adaptive_policy.h"
#include "policy/contention_gate.h"
#include "policy/lateness_classes.h"
#include "real_wait.h"

namespace {

using adaptive_test::execute2;
using adaptive_test::Outcome2;
using wfisleep::AdaptiveParams;
using wfisleep::AdaptivePolicy;
using wfisleep::ContentionGate;
using wfisleep::LatenessClasses;

constexpr uint64_t kUs = 1000;
constexpr uint64_t kMs = 1000 * kUs;
constexpr uint64_t kNever = UINT64_MAX;

// macOS-like coalescing: min(permille/1000 x L, max) x U.
struct Coalescing {
    uint64_t permille = 125;
    uint64_t max_ns = kMs;
    bool uniform = false;
    std::mt19937_64 *rng = nullptr;
    uint64_t operator()(uint64_t len) const {
        const uint64_t late = std::min(len * permille / 1000, max_ns);
        if (!uniform) return late;
        return late * ((*rng)() % 1001) / 1000;
    }
};

wfisleep_plan2 plan_at(AdaptivePolicy &pol, uint64_t now, uint64_t deadline) {
    wfisleep_plan2 p{};
    p.size = sizeof p;
    pol.plan2(now, false, deadline, p);
    return p;
}

// One timer wait of length len at now under law; returns the outcome.
template <typename Law>
Outcome2 one_wait(AdaptivePolicy &pol, uint64_t &now, uint64_t len, Law law) {
    const uint64_t deadline = now + len;
    const wfisleep_plan2 p = plan_at(pol, now, deadline);
    const Outcome2 r = execute2(p, kNever, law);
    pol.done2(r.o);
    now = std::max(r.o.end_ns, deadline) + 20 * kUs;
    return r;
}

TEST(LatenessClasses, OctavesFrom16UsTo64Ms) {
    EXPECT_EQ(LatenessClasses::class_of(0), 0u);
    EXPECT_EQ(LatenessClasses::class_of(31 * kUs), 0u);
    EXPECT_EQ(LatenessClasses::class_of(33 * kUs), 1u);
    EXPECT_EQ(LatenessClasses::class_of(kMs), 5u);
    EXPECT_EQ(LatenessClasses::class_of(10 * kMs), 9u);
    EXPECT_EQ(LatenessClasses::class_of(70 * kMs), LatenessClasses::kClasses - 1);
    EXPECT_EQ(LatenessClasses::class_of(UINT64_MAX), LatenessClasses::kClasses - 1);
}

TEST(LatenessClasses, AClassLearnsFromColdAtOnce) {
    LatenessClasses c(wfisleep::LatenessParams{});
    c.learn(5, 130 * kUs);
    EXPECT_EQ(c.mean_ns(5), 130 * kUs) << "the first sample is the estimate";
    EXPECT_EQ(c.mean_ns(6), wfisleep::LatenessParams{}.init_ns) << "other classes untouched";
    for (int i = 0; i < 3; ++i) c.learn(5, 170 * kUs);
    EXPECT_NEAR(static_cast<double>(c.mean_ns(5)), 160.0 * kUs, 2.0) << "four samples: their mean";
}

// Two interleaved wait lengths whose lateness follows different laws: a
// fixed 30 us for 200 us waits, 12.5% for 8 ms waits (1 ms). One advance
// could not serve both; each class converges to its own.
TEST(AdaptiveV2, TwoInterleavedLengthsWithDifferentLawsBothConverge) {
    AdaptivePolicy pol(AdaptiveParams{});
    uint64_t now = kMs;
    auto law = [](uint64_t len) { return len > kMs ? len / 8 : 30 * kUs; };
    for (int i = 0; i < 400; ++i) one_wait(pol, now, i % 2 ? 8 * kMs : 200 * kUs, law);
    const auto &c = pol.classes();
    const uint32_t short_c = LatenessClasses::class_of(200 * kUs);
    const uint32_t long_c = LatenessClasses::class_of(8 * kMs);
    ASSERT_NE(short_c, long_c);
    EXPECT_NEAR(static_cast<double>(c.mean_ns(short_c)), 30.0 * kUs, 2.0 * kUs);
    // The long sleep is planned to end ~1 ms early, so it lasts ~7 ms and its
    // law gives ~875 us.
    EXPECT_NEAR(static_cast<double>(c.mean_ns(long_c)), 875.0 * kUs, 40.0 * kUs);
    // Converged: both lengths end on time (to within one busy-loop step).
    for (int i = 0; i < 40; ++i) {
        const uint64_t len = i % 2 ? 8 * kMs : 200 * kUs;
        const uint64_t deadline = now + len;
        const Outcome2 r = one_wait(pol, now, len, law);
        EXPECT_LE(r.o.end_ns, deadline + adaptive_test::RealWait::kStepNs) << len;
    }
}

// Whatever was learned, a plan2 with a deadline ends at it, its phase ends
// never decrease, and no planned sleep is shorter than the sleep cost.
TEST(AdaptiveV2, PlansEndAtTheDeadlineAndNeverPlanASleepShorterThanItsCost) {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 40; ++round) {
        AdaptiveParams params;
        params.sleep_min_ns = (rng() % 4) * 10 * kUs;
        params.split_ns = (rng() % 3) * 20 * kUs;
        params.advance_dev_pct = (rng() % 4) * 100;
        AdaptivePolicy pol(params);
        Coalescing law{50 + rng() % 200, kMs, true, &rng};
        uint64_t now = kMs;
        for (int i = 0; i < 300; ++i) {
            const uint64_t len = 5 * kUs + rng() % (20 * kMs);
            const uint64_t deadline = now + len;
            const wfisleep_plan2 p = plan_at(pol, now, deadline);
            ASSERT_GT(p.nphases, 0u);
            ASSERT_LE(p.nphases, AdaptivePolicy::kMaxPhases);
            ASSERT_EQ(p.phase[p.nphases - 1].end_ns, deadline);
            uint64_t prev = now;
            for (uint32_t k = 0; k < p.nphases; ++k) {
                ASSERT_GE(p.phase[k].end_ns, prev);
                if (p.phase[k].kind == WFISLEEP_PHASE_SLEEP)
                    ASSERT_GE(p.phase[k].end_ns - prev, params.sleep_min_ns) << k;
                else
                    ASSERT_NE(p.phase[k].flags & WFISLEEP_PHASE_YIELD, 0u);
                prev = p.phase[k].end_ns;
            }
            const Outcome2 r = execute2(p, kNever, law);
            pol.done2(r.o);
            now = std::max(r.o.end_ns, deadline) + rng() % (50 * kUs);
        }
    }
}

// When the lateness varies from wait to wait (uniform coalescing), the first
// sleep must end early enough for the worst case; a second short sleep then
// covers most of that margin, so the spin shrinks, at the price of a second
// wake-up on some waits.
TEST(AdaptiveV2, ASecondShortSleepSpinsLessWhenLatenessVaries) {
    auto run = [](uint64_t split_ns, uint64_t *wakeups) {
        std::mt19937_64 rng(11);
        Coalescing law{125, kMs, true, &rng};
        AdaptiveParams params;
        params.split_ns = split_ns;
        AdaptivePolicy pol(params);
        uint64_t now = kMs, busy = 0;
        *wakeups = 0;
        for (int i = 0; i < 2000; ++i) {
            const Outcome2 r = one_wait(pol, now, 2 * kMs, law);
            if (i >= 500) {
                busy += r.busy_ns;
                *wakeups += r.sleeps_run;
            }
        }
        return busy;
    };
    uint64_t w1 = 0, w2 = 0;
    const uint64_t one_sleep = run(0, &w1);
    const uint64_t two_sleeps = run(AdaptiveParams{}.split_ns, &w2);
    EXPECT_LT(two_sleeps, one_sleep / 2) << "spin with two sleeps vs one";
    EXPECT_GT(w2, w1) << "more wake-ups";
    EXPECT_LE(w2, 2 * w1);
}

// A clock jump inside the spin (the thread lost the CPU): the real waiter
// stops that spin and blocks the rest, the outcome says PREEMPTED, and the
// policy learns nothing from the wait.
TEST(AdaptiveV2, APreemptedSpinEndsEarlyAndIsNotLearned) {
    using wfisleep::platform::FakeClock;
    using wfisleep::platform::Waiter;
    using wfisleep::platform::WaitHooks;
    FakeClock clk;
    clk.oversleep = 40 * kUs;
    const WaitHooks h = clk.hooks();
    Waiter w;
    w.set_hooks_for_testing(&h);
    AdaptiveParams params;
    params.split_ns = 0;
    AdaptivePolicy pol(params);
    auto wait_once = [&](uint64_t len) {
        wfisleep_plan2 p{};
        p.size = sizeof p;
        pol.plan2(clk.t, false, clk.t + len, p);
        const auto out = w.wait(p);
        wfisleep_outcome o{};
        o.size = sizeof o;
        o.flags = (out.kicked ? WFISLEEP_OUTCOME_KICKED : 0u) |
                  (out.preempted_ns > 0 ? WFISLEEP_OUTCOME_PREEMPTED : 0u);
        o.end_ns = out.end_ns;
        o.ended_in = out.ended_index;
        o.preempted_ns = out.preempted_ns;
        for (uint32_t i = 0; i < WFISLEEP_MAX_PHASES; ++i) o.wake_ns[i] = out.wake_ns[i];
        pol.done2(o);
        clk.t += 20 * kUs;
        return out;
    };
    for (int i = 0; i < 50; ++i) wait_once(kMs);
    const uint32_t c = pol.last_class();
    const uint64_t mean = pol.classes().mean_ns(c);
    EXPECT_NEAR(static_cast<double>(mean), 40.0 * kUs, 1.0 * kUs);
    // Now the sleep returns on time (a 40 us spin follows) and the spin
    // loses the CPU for 32 us at its 5th iteration.
    clk.oversleep = 0;
    clk.relaxes = 0;
    clk.jump_at_relax = 5;
    clk.jump_ns = 32 * kUs;
    const uint64_t parks = clk.parks;
    const auto out = wait_once(kMs);
    EXPECT_GE(out.preempted_ns, 32 * kUs);
    EXPECT_LT(clk.relaxes, 10u) << "the spin stopped at the gap";
    EXPECT_EQ(clk.parks, parks + 2) << "the sleep, then the rest of the spin, blocked";
    EXPECT_EQ(pol.classes().mean_ns(c), mean) << "a preempted wait teaches nothing";
}

TEST(ContentionGate, ClosesOnRepeatedPreemptionAndOpensOnlyAfterAQuietSpell) {
    ContentionGate g(25, 5);
    g.observe(true);
    g.observe(true);
    EXPECT_FALSE(g.contended()) << "two preemptions are not yet contention";
    g.observe(true);
    EXPECT_TRUE(g.contended());
    // Hysteresis: a few clean waits do not reopen it ...
    for (int i = 0; i < 5; ++i) g.observe(false);
    EXPECT_TRUE(g.contended());
    // ... a quiet spell does.
    int clean = 5;
    while (g.contended() && clean < 100) {
        g.observe(false);
        ++clean;
    }
    EXPECT_FALSE(g.contended());
    EXPECT_GE(clean, 10);
    EXPECT_LE(clean, 20);
}

TEST(ContentionGate, AShareBetweenTheThresholdsDoesNotFlipTheState) {
    // One preempted wait in seven (~14%): between leave (5%) and enter (25%).
    ContentionGate open(25, 5);
    int flips = 0;
    bool was = open.contended();
    for (int i = 0; i < 700; ++i) {
        open.observe(i % 7 == 0);
        flips += open.contended() != was;
        was = open.contended();
    }
    EXPECT_FALSE(open.contended());
    EXPECT_EQ(flips, 0);
    ContentionGate closed(25, 5);
    for (int i = 0; i < 10; ++i) closed.observe(true);
    ASSERT_TRUE(closed.contended());
    for (int i = 0; i < 700; ++i) closed.observe(i % 7 == 0);
    EXPECT_TRUE(closed.contended()) << "stays closed at the same share";
}

// While contended the policy neither polls nor spins more than
// contended_spin_ns, and learns no oversleep; a quiet spell restores both.
TEST(AdaptiveV2, FrequentPreemptionStopsPollingAndSpinningUntilItIsGone) {
    AdaptiveParams params;
    params.poll_init_ns = 50 * kUs;
    AdaptivePolicy pol(params);
    uint64_t now = kMs;
    auto law = [](uint64_t) { return 60 * kUs; };
    for (int i = 0; i < 50; ++i) one_wait(pol, now, kMs, law);
    const uint32_t c = pol.last_class();
    const uint64_t learned = pol.classes().mean_ns(c);
    ASSERT_GT(pol.classes().advance_ns(c), params.contended_spin_ns);
    // Every wait's spin is preempted (the sleeps return 30 us early, so
    // there is a spin to preempt) until the gate closes: three waits.
    int preempted = 0;
    while (!pol.contended() && preempted < 10) {
        const uint64_t deadline = now + kMs;
        const wfisleep_plan2 p = plan_at(pol, now, deadline);
        const Outcome2 r = execute2(
            p, kNever, [](uint64_t) { return 30 * kUs; }, deadline - 20 * kUs, 100 * kUs);
        ASSERT_NE(r.o.flags & WFISLEEP_OUTCOME_PREEMPTED, 0u);
        pol.done2(r.o);
        now = std::max(r.o.end_ns, deadline) + 20 * kUs;
        ++preempted;
    }
    EXPECT_EQ(preempted, 3);
    ASSERT_TRUE(pol.contended());
    const wfisleep_plan2 p = plan_at(pol, now, now + kMs);
    ASSERT_GE(p.nphases, 2u);
    EXPECT_EQ(p.phase[0].kind, static_cast<uint32_t>(WFISLEEP_PHASE_SLEEP)) << "no poll";
    EXPECT_LE(p.phase[p.nphases - 1].end_ns - p.phase[p.nphases - 2].end_ns,
              params.contended_spin_ns);
    // Contended waits (here 400 us late from run-queue delay) are not learned.
    const Outcome2 r = execute2(p, kNever, [](uint64_t) { return 400 * kUs; });
    pol.done2(r.o);
    now = r.o.end_ns + 20 * kUs;
    EXPECT_EQ(pol.classes().mean_ns(c), learned);
    // A quiet spell: back to the learned advance. The sleeps return 60 us
    // late, past the 10 us contended spin, so no busy loop runs: the waits
    // are clean but plain sleeps, and a run of them reopens the gate.
    uint32_t quiet = 0;
    while (pol.contended() && quiet < 2 * ContentionGate::kQuietWaitsToOpen) {
        one_wait(pol, now, kMs, law);
        ++quiet;
    }
    EXPECT_FALSE(pol.contended());
    EXPECT_EQ(quiet, ContentionGate::kQuietWaitsToOpen - 1) << "the contended wait above counts";
    const wfisleep_plan2 q = plan_at(pol, now, now + kMs);
    EXPECT_EQ(q.phase[q.nphases - 1].end_ns - q.phase[q.nphases - 2].end_ns,
              pol.classes().advance_ns(c));
}

}  // namespace

namespace {

// A wait too short to sleep is spun whole; a kick near its deadline (a
// timer thread that kicks when the timer is due) counts as the timer, so it
// never grows the poll window.
TEST(AdaptiveV2, AKickAtTheEndOfASpinOnlyWaitIsTheTimerNotAMissedKick) {
    AdaptivePolicy pol(AdaptiveParams{});
    uint64_t now = kMs;
    for (int i = 0; i < 20; ++i) {
        const uint64_t deadline = now + 15 * kUs;
        const wfisleep_plan2 p = plan_at(pol, now, deadline);
        ASSERT_EQ(p.nphases, 1u);
        ASSERT_EQ(p.phase[0].kind, static_cast<uint32_t>(WFISLEEP_PHASE_SPIN));
        const Outcome2 r = execute2(p, deadline - kUs, [](uint64_t) { return 0; });
        ASSERT_NE(r.o.flags & WFISLEEP_OUTCOME_KICKED, 0u);
        pol.done2(r.o);
        now = deadline + 20 * kUs;
    }
    EXPECT_EQ(pol.poll_window_ns(), 0u);
}

}  // namespace
