// contracts_test.cc - what the header promises at its edges: an undersized plan2 struct, an
// unknown phase kind, a pending kick an own-wait embedder can see, the timer slack opt-out.
#include <gtest/gtest.h>
#include <sys/prctl.h>

#include <cstddef>
#include <thread>

#include "../common/fake_wait_clock.h"
#include "platform/waiter.h"
#include "test_vcpu.h"
#include "wfisleep/wfisleep.h"

namespace {

using Vcpu = wfisleep::test::TestVcpu;
using wfisleep::platform::FakeClock;
using wfisleep::platform::Waiter;
using wfisleep::platform::WaitHooks;
using wfisleep::platform::WaitOutcome;

constexpr uint64_t kMs = 1000000;

constexpr uint32_t plan2_size(uint32_t phases) {
    return static_cast<uint32_t>(offsetof(wfisleep_plan2, phase) + phases * sizeof(wfisleep_phase));
}

// Adaptive may plan four phases: a struct with room for two is refused
// before the call counts as an idle trap or moves the policy.
TEST(Contracts, AnUndersizedPlan2IsRefusedBeforeAnythingIsCounted) {
    Vcpu c("WFISLEEP_POLICY=adaptive");
    wfisleep_plan2 p{};
    p.size = plan2_size(2);
    p.nphases = 7;
    const uint64_t now = 1000 * kMs;
    EXPECT_EQ(wfisleep_vcpu_plan2(c.v, now, 0, now + 5 * kMs, &p), -1);
    EXPECT_EQ(p.nphases, 0u);
    EXPECT_EQ(c.stats().idle_calls, 0u);
    EXPECT_EQ(c.stats().sleeps, 0u);
    p.size = plan2_size(4);
    EXPECT_EQ(wfisleep_vcpu_plan2(c.v, now, 0, now + 5 * kMs, &p), 0);
    EXPECT_EQ(c.stats().idle_calls, 1u);
}

// The seed plans the 0.1 shape (at most poll, sleep, spin): three fit.
TEST(Contracts, TheSeedNeedsRoomForThreePhases) {
    Vcpu c("HVF_WFI_SLEEP=100");
    wfisleep_plan2 p{};
    p.size = plan2_size(3);
    EXPECT_EQ(wfisleep_vcpu_plan2(c.v, 0, 0, WFISLEEP_NO_DEADLINE, &p), 0);
    p.size = plan2_size(2);
    EXPECT_EQ(wfisleep_vcpu_plan2(c.v, 0, 0, WFISLEEP_NO_DEADLINE, &p), -1);
    EXPECT_EQ(c.stats().idle_calls, 1u);
}

// A phase kind this library does not know (from a newer header, or garbage)
// is skipped: not spun, not blocked on, its kick left pending.
TEST(Contracts, AnUnknownPhaseKindIsSkippedNeverSpun) {
    FakeClock clk;
    const WaitHooks h = clk.hooks();
    Waiter w;
    w.set_hooks_for_testing(&h);
    wfisleep_plan2 p{};
    p.size = sizeof p;
    p.start_ns = clk.t;
    p.nphases = 2;
    p.phase[0] = wfisleep_phase{99, 0, clk.t + kMs};
    p.phase[1] = wfisleep_phase{0, 0, clk.t + 2 * kMs};
    const uint64_t t0 = clk.t;
    const WaitOutcome o = w.wait(p);
    EXPECT_EQ(clk.relaxes, 0u);
    EXPECT_EQ(clk.parks, 0u);
    EXPECT_EQ(o.end_ns, t0);
    EXPECT_EQ(o.ended_index, 2u);
    w.kick();
    (void)w.wait(p);
    EXPECT_TRUE(w.kick_pending());
}

// An embedder that waits by itself after plan2 is not woken by a kick (only
// the library's own waits are); it sees the kick with kick_pending.
TEST(Contracts, AnOwnWaitEmbedderSeesAPendingKick) {
    Vcpu c("WFISLEEP_POLICY=adaptive");
    wfisleep_vcpu_trap_begin(c.v);
    EXPECT_EQ(wfisleep_vcpu_kick_pending(c.v), 0);
    std::thread other([&] { wfisleep_vcpu_kick(c.v); });
    other.join();
    EXPECT_EQ(wfisleep_vcpu_kick_pending(c.v), 1);
    EXPECT_EQ(wfisleep_vcpu_kick_pending(c.v), 1) << "looking does not consume it";
    wfisleep_vcpu_trap_begin(c.v);
    EXPECT_EQ(wfisleep_vcpu_kick_pending(c.v), 0);
    EXPECT_EQ(wfisleep_vcpu_kick_pending(nullptr), 0);
}

// The embedder can keep the thread's timer slack its own.
TEST(Contracts, KeepTimerSlackLeavesTheThreadAlone) {
    long after = -1;
    std::thread t([&] {
        ASSERT_EQ(prctl(PR_SET_TIMERSLACK, 40000UL, 0UL, 0UL, 0UL), 0);
        Vcpu c("WFISLEEP_POLICY=adaptive");
        wfisleep_vcpu_keep_timer_slack(c.v);
        wfisleep_vcpu_idle(c.v, 0, wfisleep_now_ns() + 200000);
        after = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    });
    t.join();
    EXPECT_EQ(after, 40000);
}

}  // namespace
