// waiter_fake_clock_test.cc - the waiter driven by a fake clock (WaitHooks): exact wake times,
// preemption, skips.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>

#include "../common/fake_wait_clock.h"
#include "platform/waiter.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {
namespace {

wfisleep_plan2 plan_of(uint64_t start, std::initializer_list<wfisleep_phase> phases) {
    wfisleep_plan2 p{};
    p.size = sizeof p;
    p.start_ns = start;
    for (const wfisleep_phase &ph : phases) {
        p.phase[p.nphases++] = ph;
    }
    return p;
}

TEST(WaiterFakeClock, EachSleepPhaseReportsItsExactWakeTime) {
    FakeClock clk;
    clk.oversleep = 7000;
    const WaitHooks h = clk.hooks();
    Waiter w;
    w.set_hooks_for_testing(&h);
    const uint64_t t0 = clk.t;
    const wfisleep_plan2 p = plan_of(t0, {{WFISLEEP_PHASE_SLEEP, 0, t0 + 100000},
                                          {WFISLEEP_PHASE_SLEEP, 0, t0 + 150000},
                                          {WFISLEEP_PHASE_SPIN, 0, t0 + 200000}});
    const WaitOutcome o = w.wait(p);
    EXPECT_FALSE(o.kicked);
    EXPECT_EQ(o.wake_ns[0], t0 + 107000);
    EXPECT_EQ(o.wake_ns[1], t0 + 157000);
    EXPECT_EQ(o.wake_ns[2], 0u);
    EXPECT_EQ(o.sleep_woke_ns(), t0 + 157000);
    EXPECT_EQ(o.ended_index, 3u);
    EXPECT_GE(o.end_ns, t0 + 200000);
    EXPECT_LT(o.end_ns, t0 + 200000 + 2 * clk.spin_step);  // the spin ends on time
    EXPECT_EQ(o.preempted_ns, 0u);
    EXPECT_EQ(o.sleep_ns, 157000u);
}

TEST(WaiterFakeClock, AClockJumpInsideASpinIsReportedAsPreemption) {
    FakeClock clk;
    clk.jump_at_relax = 10;
    clk.jump_ns = 5000000;  // 5 ms without the CPU
    const WaitHooks h = clk.hooks();
    Waiter w;
    w.set_hooks_for_testing(&h);
    const uint64_t t0 = clk.t;
    const WaitOutcome o = w.wait(plan_of(t0, {{WFISLEEP_PHASE_SPIN, 0, t0 + 20000000}}));
    EXPECT_GE(o.preempted_ns, 5000000u);
    EXPECT_LT(o.preempted_ns, 5000000u + Waiter::kPreemptGapNs);
    // Ordinary iterations (50 ns apart) are never counted.
    FakeClock calm;
    const WaitHooks hc = calm.hooks();
    w.set_hooks_for_testing(&hc);
    EXPECT_EQ(w.wait(plan_of(calm.t, {{WFISLEEP_PHASE_SPIN, 0, calm.t + 1000000}})).preempted_ns,
              0u);
}

// WFISLEEP_PHASE_YIELD: the first preemption gap ends the busy loop and the
// rest of the phase is blocked (parked), not spun; without the flag the same
// jump leaves the loop spinning to the end.
TEST(WaiterFakeClock, AYieldingSpinBlocksForTheRestOfItsPhaseOnceItIsPreempted) {
    for (uint32_t kind : {WFISLEEP_PHASE_SPIN, WFISLEEP_PHASE_POLL}) {
        FakeClock clk;
        clk.jump_at_relax = 10;
        clk.jump_ns = 100000;  // 100 us without the CPU
        const WaitHooks h = clk.hooks();
        Waiter w;
        w.set_hooks_for_testing(&h);
        const uint64_t t0 = clk.t;
        const WaitOutcome o = w.wait(plan_of(t0, {{kind, WFISLEEP_PHASE_YIELD, t0 + 1000000},
                                                  {WFISLEEP_PHASE_SPIN, 0, t0 + 1000100}}));
        EXPECT_FALSE(o.kicked);
        EXPECT_GE(o.preempted_ns, 100000u) << kind;
        EXPECT_EQ(clk.parks, 1u) << kind;
        EXPECT_LT(clk.relaxes, 20u) << "stopped spinning after the gap";
        EXPECT_GE(o.end_ns, t0 + 1000100);
        EXPECT_GE(o.sleep_ns, 800000u) << "the rest of the phase was blocked";

        FakeClock plain;
        plain.jump_at_relax = 10;
        plain.jump_ns = 100000;
        const WaitHooks hp = plain.hooks();
        w.set_hooks_for_testing(&hp);
        const WaitOutcome q = w.wait(plan_of(plain.t, {{kind, 0, plain.t + 1000000}}));
        EXPECT_EQ(plain.parks, 0u);
        EXPECT_GT(plain.relaxes, 1000u) << "kept spinning";
        EXPECT_GE(q.preempted_ns, 100000u);
    }
}

// A kick still ends a yielding phase at once, before and after it yielded.
TEST(WaiterFakeClock, AKickEndsAYieldingPhase) {
    FakeClock clk;
    const WaitHooks h = clk.hooks();
    Waiter w;
    w.set_hooks_for_testing(&h);
    w.kick();
    const WaitOutcome o =
        w.wait(plan_of(clk.t, {{WFISLEEP_PHASE_POLL, WFISLEEP_PHASE_YIELD, clk.t + 1000000}}));
    EXPECT_TRUE(o.kicked);
    EXPECT_EQ(o.ended_index, 0u);
}

TEST(WaiterFakeClock, PhasesWhoseEndHasPassedAreSkippedWithoutParking) {
    FakeClock clk;
    const WaitHooks h = clk.hooks();
    Waiter w;
    w.set_hooks_for_testing(&h);
    const uint64_t t0 = clk.t;
    const WaitOutcome o = w.wait(plan_of(t0 - 500, {{WFISLEEP_PHASE_POLL, 0, t0 - 400},
                                                    {WFISLEEP_PHASE_SLEEP, 0, t0 - 300},
                                                    {WFISLEEP_PHASE_SPIN, 0, t0 - 200}}));
    EXPECT_FALSE(o.kicked);
    EXPECT_EQ(clk.parks, 0u);
    EXPECT_EQ(o.end_ns, t0);
}

TEST(WaiterFakeClock, APendingKickSurvivesAStrictSleepAndCountsAsPendingAtStart) {
    FakeClock clk;
    const WaitHooks h = clk.hooks();
    Waiter w;
    w.set_hooks_for_testing(&h);
    w.kick();
    const uint64_t t0 = clk.t;
    const WaitOutcome o =
        w.wait(plan_of(t0, {{WFISLEEP_PHASE_SLEEP, WFISLEEP_PHASE_STRICT, t0 + 100000},
                            {WFISLEEP_PHASE_SPIN, 0, t0 + 200000}}));
    EXPECT_TRUE(o.kicked);
    EXPECT_TRUE(o.kick_at_start);  // the first kickable check found it
    EXPECT_EQ(o.ended_index, 1u);
    EXPECT_EQ(o.end_ns, t0 + 100000);  // after the whole strict sleep
}

TEST(WaiterFakeClock, DiscardKickDropsOnlyAPendingKick) {
    Waiter w;
    EXPECT_FALSE(w.discard_kick());
    w.kick();
    EXPECT_TRUE(w.discard_kick());
    EXPECT_FALSE(w.kick_pending());
    FakeClock clk;
    const WaitHooks h = clk.hooks();
    w.set_hooks_for_testing(&h);
    const uint64_t t0 = clk.t;
    const WaitOutcome o = w.wait(plan_of(t0, {{WFISLEEP_PHASE_SLEEP, 0, t0 + 100000}}));
    EXPECT_FALSE(o.kicked);
    EXPECT_EQ(o.end_ns, t0 + 100000);
}

// Each phase reports when it began, and a sleep that blocked reports the
// thread's run-queue delay across its block (read on either side of it):
// here 40 us on a run queue after the timer woke it.
TEST(WaiterFakeClock, ASleepReportsItsBeginAndTheRunDelayAfterItsWake) {
    FakeClock clk;
    clk.oversleep = 5000;
    clk.wake_run_delay = 40000;
    clk.signal = RunDelaySource::schedstat;
    const WaitHooks h = clk.hooks();
    Waiter w;
    w.set_hooks_for_testing(&h);
    const uint64_t t0 = clk.t;
    const WaitOutcome o = w.wait(plan_of(t0, {{WFISLEEP_PHASE_POLL, 0, t0 + 20000},
                                              {WFISLEEP_PHASE_SLEEP, 0, t0 + 200000},
                                              {WFISLEEP_PHASE_SPIN, 0, t0 + 300000}}));
    EXPECT_EQ(o.begin_ns[0], t0);
    EXPECT_GE(o.begin_ns[1], t0 + 20000);
    EXPECT_LT(o.begin_ns[1], t0 + 20000 + 2 * clk.spin_step);
    EXPECT_EQ(o.wake_ns[1], t0 + 200000 + 5000 + 40000);
    EXPECT_EQ(o.run_delay_ns[1], 40000u);
    EXPECT_EQ(o.run_delay_ns[0], 0u) << "busy phases measure none";
    EXPECT_EQ(o.begin_ns[2], o.wake_ns[1]);
    EXPECT_EQ(clk.signal_reads, 3u) << "the first wait's baseline, then once on either side of "
                                       "the block; never in a loop";
    // Without schedstat (involuntary switches only) the delay is unknown: 0.
    FakeClock rusage;
    rusage.wake_run_delay = 40000;
    rusage.signal = RunDelaySource::involuntary_switches;
    const WaitHooks hr = rusage.hooks();
    w.set_hooks_for_testing(&hr);
    const uint64_t t1 = rusage.t;
    const WaitOutcome q = w.wait(plan_of(t1, {{WFISLEEP_PHASE_SLEEP, 0, t1 + 200000}}));
    EXPECT_EQ(q.run_delay_ns[0], 0u);
}

// A busy loop reads the signal only at a clock gap, not per iteration, and
// a sleep whose end has passed (skipped) reads nothing either.
TEST(WaiterFakeClock, TheSignalIsReadOnlyAroundABlockOrAtAGap) {
    FakeClock clk;
    clk.signal = RunDelaySource::schedstat;
    const WaitHooks h = clk.hooks();
    Waiter w;
    w.set_hooks_for_testing(&h);
    (void)w.wait(plan_of(clk.t, {{WFISLEEP_PHASE_SLEEP, 0, clk.t + 1000}}));  // a first wait
    const uint64_t reads = clk.signal_reads;
    const uint64_t t0 = clk.t;
    (void)w.wait(plan_of(t0, {{WFISLEEP_PHASE_POLL, WFISLEEP_PHASE_YIELD, t0 + 500000},
                              {WFISLEEP_PHASE_SLEEP, 0, t0 + 400000},
                              {WFISLEEP_PHASE_SPIN, WFISLEEP_PHASE_YIELD, t0 + 900000}}));
    EXPECT_GT(clk.relaxes, 10000u);
    EXPECT_EQ(clk.signal_reads, reads);
    EXPECT_EQ(clk.parks, 1u) << "the first wait's sleep only";
}

// The preemption rule: a clock gap in a YIELD phase blocks the rest of the
// phase and counts as a preemption only when the thread's own signal
// confirms it (run delay grew by at least half the gap, or an involuntary
// switch happened). A gap the signal does not explain - the host did not
// run this machine's CPU - is reported apart and the loop keeps spinning.
// Without any signal (macOS) the gap alone decides, as before.
TEST(WaiterFakeClock, AGapIsAPreemptionOnlyWhenTheLocalSignalConfirmsIt) {
    struct Case {
        RunDelaySource signal;
        bool local;
        bool preempted;
    };
    const Case cases[] = {
        {RunDelaySource::schedstat, true, true},
        {RunDelaySource::schedstat, false, false},
        {RunDelaySource::involuntary_switches, true, true},
        {RunDelaySource::involuntary_switches, false, false},
        {RunDelaySource::none, false, true},
    };
    for (const Case &c : cases) {
        FakeClock clk;
        clk.signal = c.signal;
        clk.jump_local = c.local;
        clk.jump_at_relax = 10;
        clk.jump_ns = 100000;
        const WaitHooks h = clk.hooks();
        Waiter w;
        w.set_hooks_for_testing(&h);
        // A first sleep gives the signal its baseline (as a wait's sleep
        // does before its spin tail).
        const uint64_t t0 = clk.t;
        const WaitOutcome o =
            w.wait(plan_of(t0, {{WFISLEEP_PHASE_SLEEP, 0, t0 + 100000},
                                {WFISLEEP_PHASE_SPIN, WFISLEEP_PHASE_YIELD, t0 + 1000000}}));
        const auto sig = static_cast<int>(c.signal);
        if (c.preempted) {
            EXPECT_GE(o.preempted_ns, 100000u) << sig << " " << c.local;
            EXPECT_EQ(o.unconfirmed_gap_ns, 0u) << sig;
            EXPECT_EQ(clk.parks, 2u) << "the sleep, then the rest of the spin";
        } else {
            EXPECT_EQ(o.preempted_ns, 0u) << sig;
            EXPECT_GE(o.unconfirmed_gap_ns, 100000u) << sig;
            EXPECT_EQ(clk.parks, 1u) << "kept spinning after the gap";
        }
        EXPECT_GE(o.end_ns, t0 + 1000000);
    }
}

// The run delay a gap needs to be confirmed: at least half of it.
TEST(WaiterFakeClock, ARunDelayShorterThanHalfTheGapDoesNotConfirmIt) {
    for (uint64_t delay : {40000u, 60000u}) {
        FakeClock clk;
        clk.signal = RunDelaySource::schedstat;
        clk.jump_local = false;
        clk.jump_at_relax = 10;
        clk.jump_ns = 100000;
        const WaitHooks h = clk.hooks();
        Waiter w;
        w.set_hooks_for_testing(&h);
        const uint64_t t0 = clk.t;
        (void)w.wait(plan_of(t0, {{WFISLEEP_PHASE_SLEEP, 0, t0 + 10000}}));  // the baseline
        clk.run_delay_ns += delay;  // part of the coming gap was run-queue delay
        const uint64_t t1 = clk.t;
        const WaitOutcome o = w.wait(plan_of(t1, {{WFISLEEP_PHASE_SPIN, 0, t1 + 1000000}}));
        EXPECT_EQ(o.preempted_ns > 0, delay > 50100u) << delay;  // the gap is 100 us + a step
    }
}

// The gap threshold is the waiter's (WFISLEEP_ADAPTIVE_PREEMPT_GAP_NS).
TEST(WaiterFakeClock, TheGapThresholdIsConfigurable) {
    for (uint64_t threshold : {20000u, 60000u}) {
        FakeClock clk;
        clk.jump_at_relax = 10;
        clk.jump_ns = 40000;
        const WaitHooks h = clk.hooks();
        Waiter w(kLeewayKeep, threshold);
        w.set_hooks_for_testing(&h);
        const WaitOutcome o = w.wait(plan_of(clk.t, {{WFISLEEP_PHASE_SPIN, 0, clk.t + 1000000}}));
        EXPECT_EQ(o.preempted_ns > 0, threshold < 40000u) << threshold;
    }
}

}  // namespace
}  // namespace wfisleep::platform
