// waiter_fake_clock_test.cc - the waiter driven by a fake clock (WaitHooks): exact wake times,
// preemption, skips.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>

#include "platform/waiter.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {
namespace {

// Time moves only when the waiter relaxes (spin_step ns per iteration) or
// parks/sleeps (to the deadline plus oversleep). A jump can be scheduled to
// happen at one relax, as if the thread lost the CPU there.
struct FakeClock {
    uint64_t t = 1000000;
    uint64_t spin_step = 50;
    uint64_t oversleep = 0;
    uint64_t jump_at_relax = UINT64_MAX;  // relax count at which to jump
    uint64_t jump_ns = 0;
    uint64_t relaxes = 0;
    uint64_t parks = 0;

    WaitHooks hooks() {
        return WaitHooks{&FakeClock::now, &FakeClock::park, &FakeClock::sleep_until,
                         &FakeClock::relax, this};
    }
    static uint64_t now(void *c) { return static_cast<FakeClock *>(c)->t; }
    static void park(void *c, std::atomic<uint32_t> * /*word*/, uint32_t /*expected*/,
                     uint64_t deadline) {
        auto *f = static_cast<FakeClock *>(c);
        ++f->parks;
        if (deadline != WFISLEEP_FOREVER && f->t < deadline + f->oversleep) {
            f->t = deadline + f->oversleep;
        }
    }
    static void sleep_until(void *c, uint64_t deadline) {
        auto *f = static_cast<FakeClock *>(c);
        if (f->t < deadline + f->oversleep) {
            f->t = deadline + f->oversleep;
        }
    }
    static void relax(void *c) {
        auto *f = static_cast<FakeClock *>(c);
        f->t += f->spin_step;
        if (++f->relaxes == f->jump_at_relax) {
            f->t += f->jump_ns;
        }
    }
};

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

}  // namespace
}  // namespace wfisleep::platform
