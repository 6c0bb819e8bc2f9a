// model_decision_test.cc - every peer model's decisions on a fake clock (no waiting, no threads).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "governors/deadline_model.h"
#include "governors/deadline_spin_model.h"
#include "governors/kvm_haltpoll_model.h"
#include "governors/qemu10_model.h"
#include "governors/qemu11_model.h"

namespace wfisvm {
namespace {

constexpr uint64_t kNow = 5'000'000'000;  // an arbitrary fake "now"
constexpr uint64_t kMs = 1'000'000;

bool is_zero(const wfisleep_plan &p) {
    return p.poll_ns == 0 && p.sleep_ns == 0 && p.spin_ns == 0 && p.strict == 0;
}

TEST(DeadlineModel, SleepsExactlyToTheDeadline) {
    EXPECT_TRUE(is_zero(deadline_model_plan(kNow, true, kNow + kMs)));
    EXPECT_TRUE(is_zero(deadline_model_plan(kNow, true, WFISLEEP_NO_DEADLINE)));
    EXPECT_TRUE(is_zero(deadline_model_plan(kNow, false, kNow)));      // due now
    EXPECT_TRUE(is_zero(deadline_model_plan(kNow, false, kNow - 1)));  // passed
    for (uint64_t d : {uint64_t{1}, uint64_t{999}, kMs, 3 * kMs, 10'000 * kMs}) {
        const wfisleep_plan p = deadline_model_plan(kNow, false, kNow + d);
        EXPECT_EQ(p.poll_ns, 0u);  // no polling, no threshold (libkrun)
        EXPECT_EQ(p.sleep_ns, d);
        EXPECT_EQ(p.spin_ns, 0u);
        EXPECT_EQ(p.strict, 0);
    }
    const wfisleep_plan none = deadline_model_plan(kNow, false, WFISLEEP_NO_DEADLINE);
    EXPECT_EQ(none.sleep_ns, WFISLEEP_FOREVER);
    EXPECT_EQ(none.poll_ns, 0u);
    EXPECT_EQ(none.spin_ns, 0u);
}

TEST(DeadlineSpinModel, SleepsToTheMarginThenSpinsToTheDeadline) {
    constexpr uint64_t kSpin = 40'000;
    EXPECT_TRUE(is_zero(deadline_spin_model_plan(kNow, true, kNow + kMs, kSpin)));
    EXPECT_TRUE(is_zero(deadline_spin_model_plan(kNow, false, kNow, kSpin)));      // due now
    EXPECT_TRUE(is_zero(deadline_spin_model_plan(kNow, false, kNow - 1, kSpin)));  // passed
    const wfisleep_plan p = deadline_spin_model_plan(kNow, false, kNow + kMs, kSpin);
    EXPECT_EQ(p.poll_ns, 0u);
    EXPECT_EQ(p.sleep_ns, kMs - kSpin);
    EXPECT_EQ(p.spin_ns, kSpin);
    EXPECT_EQ(p.strict, 0);
    // A deadline nearer than the margin: all of it a spin.
    const wfisleep_plan near = deadline_spin_model_plan(kNow, false, kNow + 30'000, kSpin);
    EXPECT_EQ(near.sleep_ns, 0u);
    EXPECT_EQ(near.spin_ns, 30'000u);
    // Exactly the margin: no sleep either.
    EXPECT_EQ(deadline_spin_model_plan(kNow, false, kNow + kSpin, kSpin).sleep_ns, 0u);
    // Margin 0 is the deadline model.
    for (uint64_t d : {uint64_t{1}, kMs, 10'000 * kMs}) {
        const wfisleep_plan a = deadline_spin_model_plan(kNow, false, kNow + d, 0);
        const wfisleep_plan b = deadline_model_plan(kNow, false, kNow + d);
        EXPECT_EQ(a.sleep_ns, b.sleep_ns);
        EXPECT_EQ(a.spin_ns, 0u);
    }
    // No deadline: block until kicked, no spin.
    const wfisleep_plan none = deadline_spin_model_plan(kNow, false, WFISLEEP_NO_DEADLINE, kSpin);
    EXPECT_EQ(none.sleep_ns, WFISLEEP_FOREVER);
    EXPECT_EQ(none.spin_ns, 0u);
}

TEST(Qemu10Model, ReturnsAtOnceBelowTwoMillisecondsAndSleepsFromExactlyTwo) {
    EXPECT_EQ(kQemu10MinSleepNs, 2 * kMs);
    EXPECT_TRUE(is_zero(qemu10_model_plan(kNow, false, kNow + 2 * kMs - 1)));
    EXPECT_TRUE(is_zero(qemu10_model_plan(kNow, false, kNow + 1)));
    EXPECT_TRUE(is_zero(qemu10_model_plan(kNow, false, kNow + kMs)));  // a 1 kHz tick spins
    const wfisleep_plan at = qemu10_model_plan(kNow, false, kNow + 2 * kMs);
    EXPECT_EQ(at.sleep_ns, 2 * kMs);
    EXPECT_EQ(at.poll_ns, 0u);
    EXPECT_EQ(at.spin_ns, 0u);
    EXPECT_EQ(qemu10_model_plan(kNow, false, kNow + 2 * kMs + 1).sleep_ns, 2 * kMs + 1);
    EXPECT_EQ(qemu10_model_plan(kNow, false, kNow + 250 * kMs).sleep_ns, 250 * kMs);
}

TEST(Qemu10Model, WorkPastDeadlineAndTimerOff) {
    EXPECT_TRUE(is_zero(qemu10_model_plan(kNow, true, kNow + 10 * kMs)));
    EXPECT_TRUE(is_zero(qemu10_model_plan(kNow, true, WFISLEEP_NO_DEADLINE)));
    EXPECT_TRUE(is_zero(qemu10_model_plan(kNow, false, kNow)));
    EXPECT_TRUE(is_zero(qemu10_model_plan(kNow, false, 0)));
    const wfisleep_plan off = qemu10_model_plan(kNow, false, WFISLEEP_NO_DEADLINE);
    EXPECT_EQ(off.sleep_ns, WFISLEEP_FOREVER);  // wait for an IPI, no timeout
    EXPECT_EQ(off.poll_ns, 0u);
}

TEST(Qemu11Model, PollTimeoutRoundsUpToWholeMilliseconds) {
    EXPECT_EQ(qemu11_poll_timeout_ms(0), 0u);
    EXPECT_EQ(qemu11_poll_timeout_ms(1), 1u);
    EXPECT_EQ(qemu11_poll_timeout_ms(kMs - 1), 1u);
    EXPECT_EQ(qemu11_poll_timeout_ms(kMs), 1u);
    EXPECT_EQ(qemu11_poll_timeout_ms(kMs + 1), 2u);
    EXPECT_EQ(qemu11_poll_timeout_ms(2 * kMs + kMs / 2), 3u);
    EXPECT_EQ(qemu11_poll_timeout_ms(UINT64_MAX), UINT64_MAX / kMs + 1);
}

TEST(Qemu11Model, TimerFiresOnTheMillisecondGridOfThePoll) {
    // A 1 kHz tick armed 100 us after a poll starts fires a whole ms later:
    // up to ~1 ms late, the price of polling without ppoll.
    EXPECT_EQ(qemu11_timer_fire_ns(kNow, kNow + 100'000), kNow + kMs);
    EXPECT_EQ(qemu11_timer_fire_ns(kNow, kNow + kMs), kNow + kMs);
    EXPECT_EQ(qemu11_timer_fire_ns(kNow, kNow + kMs + 1), kNow + 2 * kMs);
    EXPECT_EQ(qemu11_timer_fire_ns(kNow, kNow + 1), kNow + kMs);
    // Due or passed: the main loop runs it at once.
    EXPECT_EQ(qemu11_timer_fire_ns(kNow, kNow), kNow);
    EXPECT_EQ(qemu11_timer_fire_ns(kNow, kNow - 5), kNow);
    // Never before the deadline, for any offset.
    for (uint64_t d = 1; d < 5 * kMs; d += 77'777) {
        const uint64_t fire = qemu11_timer_fire_ns(kNow, kNow + d);
        EXPECT_GE(fire, kNow + d);
        EXPECT_LT(fire, kNow + d + kMs);
        EXPECT_EQ((fire - kNow) % kMs, 0u);
    }
    // Saturates instead of wrapping.
    EXPECT_EQ(qemu11_timer_fire_ns(UINT64_MAX - 10, UINT64_MAX - 2), UINT64_MAX - 1);
}

// One step of a halt-poll sequence: the halt's total length and the window
// KVM's rules give afterwards.
struct Step {
    uint64_t halt_ns;
    uint64_t window_after;
};

void replay(const HaltPollParams &p, const std::vector<Step> &steps) {
    HaltPollState s(p);
    EXPECT_EQ(s.window_ns(), 0u);  // a new vCPU starts without polling
    int i = 0;
    for (const Step &st : steps) {
        s.after_halt(st.halt_ns);
        EXPECT_EQ(s.window_ns(), st.window_after) << "step " << i << " halt_ns " << st.halt_ns;
        ++i;
    }
}

TEST(KvmHaltpollModel, GrowShrinkResetWithX86Defaults) {
    const HaltPollParams p;  // 200000, x2, start 10000, shrink 0
    replay(p, {
                  {300000, 0},       // long halt, window 0: neither shrink nor grow
                  {200000, 0},       // == max: not < max, so no grow
                  {5000, 10000},     // short halt, window 0 < max: grow to grow_start
                  {5000, 10000},     // woke within the window: keep
                  {10000, 10000},    // exactly the window counts as within
                  {15000, 20000},    // just missed: x2
                  {30000, 40000},    // x2
                  {50000, 80000},    // x2
                  {90000, 160000},   // x2
                  {170000, 200000},  // x2 = 320000, capped at max
                  {199999, 200000},  // within the window: keep
                  {200001, 0},       // longer than max: shrink 0 = reset to 0
                  {1000000, 0},      // window 0 and a long halt: stays 0
                  {0, 0},            // 0 <= window 0: "within the window", keep
                  {1, 10000},        // the shortest real halt grows it
              });
}

TEST(KvmHaltpollModel, ShrinkDivisorAndGrowStartFloor) {
    HaltPollParams p;
    p.shrink = 2;
    replay(p, {
                  {5000, 10000},
                  {15000, 20000},
                  {30000, 40000},
                  {500000, 20000},  // /2
                  {500000, 10000},  // /2
                  {500000, 0},      // 5000 < grow_start: 0
              });
}

TEST(KvmHaltpollModel, GrowZeroAndMaxZero) {
    HaltPollParams never;
    never.grow = 0;
    replay(never, {{5000, 0}, {1, 0}});
    HaltPollParams off;
    off.max_ns = 0;
    replay(off, {{5000, 0}, {0, 0}, {1000000, 0}});
    HaltPollParams four;
    four.grow = 4;
    four.grow_start = 1000;
    four.max_ns = 100000;
    replay(four, {{500, 1000}, {2000, 4000}, {5000, 16000}, {20000, 64000}, {70000, 100000}});
}

TEST(KvmHaltpollModel, PlanPollsTheWindowThenBlocksToTheDeadline) {
    HaltPollState s{HaltPollParams{}};
    // Window 0: a plain kickable sleep to the deadline.
    wfisleep_plan p = s.plan(kNow, false, kNow + kMs);
    EXPECT_EQ(p.poll_ns, 0u);
    EXPECT_EQ(p.sleep_ns, kMs);
    EXPECT_EQ(p.spin_ns, 0u);
    s.after_halt(5000);
    s.after_halt(15000);
    ASSERT_EQ(s.window_ns(), 20000u);
    p = s.plan(kNow, false, kNow + kMs);
    EXPECT_EQ(p.poll_ns, 20000u);
    EXPECT_EQ(p.sleep_ns, kMs - 20000);
    EXPECT_EQ(p.spin_ns, 0u);
    // The timer ends a poll that would outlast it.
    p = s.plan(kNow, false, kNow + 5000);
    EXPECT_EQ(p.poll_ns, 5000u);
    EXPECT_EQ(p.sleep_ns, 0u);
    // Timer off: poll, then block until kicked.
    p = s.plan(kNow, false, WFISLEEP_NO_DEADLINE);
    EXPECT_EQ(p.poll_ns, 20000u);
    EXPECT_EQ(p.sleep_ns, WFISLEEP_FOREVER);
    // Work pending or timer due: back to the guest at once.
    EXPECT_TRUE(is_zero(s.plan(kNow, true, kNow + kMs)));
    EXPECT_TRUE(is_zero(s.plan(kNow, false, kNow)));
    EXPECT_EQ(s.window_ns(), 20000u);  // planning alone does not adapt
}

}  // namespace
}  // namespace wfisvm

namespace wfisvm {
namespace {

TEST(LapicAdvance, MovesByAnEighthOfTheErrorWithinItsBounds) {
    LapicAdvance a;
    EXPECT_EQ(a.advance_ns(), 1000u);
    a.after_timer_wake(800);  // 800 ns late: arm earlier
    EXPECT_EQ(a.advance_ns(), 1100u);
    a.after_timer_wake(-400);  // 400 ns early: arm later
    EXPECT_EQ(a.advance_ns(), 1050u);
    a.after_timer_wake(50);  // close enough
    a.after_timer_wake(-99);
    EXPECT_EQ(a.advance_ns(), 1050u);
    a.after_timer_wake(20000);  // an outlier (e.g. preempted): ignored
    EXPECT_EQ(a.advance_ns(), 1050u);
    for (int i = 0; i < 10; i++) a.after_timer_wake(9600);  // +1200 each
    EXPECT_LE(a.advance_ns(), LapicAdvance::kMaxNs) << "resets above the max";
    LapicAdvance b;
    for (int i = 0; i < 20; i++) b.after_timer_wake(-9000);
    EXPECT_EQ(b.advance_ns(), 0u) << "never below 0";
}

}  // namespace
}  // namespace wfisvm
