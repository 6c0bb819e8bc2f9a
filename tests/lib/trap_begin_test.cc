// trap_begin_test.cc - wfisleep_vcpu_trap_begin: stale kicks dropped, later kicks kept, and what is
// learned.
#include <gtest/gtest.h>

#include <cstring>

#include "test_vcpu.h"
#include "wfisleep/wfisleep.h"

namespace {

constexpr uint64_t kMs = 1000000;

using Vcpu = wfisleep::test::TestVcpu;

wfisleep_plan2 one_sleep(uint64_t len_ns) {
    wfisleep_plan2 p{};
    p.size = sizeof p;
    p.start_ns = wfisleep_now_ns();
    p.nphases = 1;
    p.phase[0] = wfisleep_phase{WFISLEEP_PHASE_SLEEP, 0, p.start_ns + len_ns};
    return p;
}

TEST(TrapBegin, AKickBeforeItIsDiscardedAndTheWaitRunsItsWholePlan) {
    Vcpu c("WFISLEEP_POLICY=off");
    wfisleep_vcpu_kick(c.v);
    wfisleep_vcpu_trap_begin(c.v);
    const wfisleep_plan2 p = one_sleep(2 * kMs);
    wfisleep_outcome o{};
    o.size = sizeof o;
    wfisleep_vcpu_wait2(c.v, &p, &o);
    EXPECT_EQ(o.flags & WFISLEEP_OUTCOME_KICKED, 0u);
    EXPECT_GE(o.end_ns, p.phase[0].end_ns);  // never early
    EXPECT_EQ(c.stats().stale_kicks, 1u);
    EXPECT_EQ(c.stats().kicks, 0u);
}

TEST(TrapBegin, AKickAfterItEndsTheNextWaitAtOnce) {
    Vcpu c("WFISLEEP_POLICY=off");
    wfisleep_vcpu_trap_begin(c.v);
    wfisleep_vcpu_kick(c.v);  // lands after the has_work sample
    const wfisleep_plan2 p = one_sleep(10000 * kMs);
    wfisleep_outcome o{};
    o.size = sizeof o;
    wfisleep_vcpu_wait2(c.v, &p, &o);
    EXPECT_NE(o.flags & WFISLEEP_OUTCOME_KICKED, 0u);
    EXPECT_NE(o.flags & WFISLEEP_OUTCOME_KICK_AT_START, 0u);
    EXPECT_LT(o.end_ns, p.phase[0].end_ns);
    const wfisleep_stats s = c.stats();
    EXPECT_EQ(s.stale_kicks, 0u);
    EXPECT_EQ(s.kicks, 1u);
    EXPECT_EQ(s.entry_kicks, 1u);
}

TEST(TrapBegin, WithoutAPendingKickItChangesNothing) {
    Vcpu c("WFISLEEP_POLICY=off");
    for (int i = 0; i < 3; ++i) {
        wfisleep_vcpu_trap_begin(c.v);
    }
    EXPECT_EQ(c.stats().stale_kicks, 0u);
    wfisleep_vcpu_trap_begin(nullptr);  // a no-op, not a crash
}

// adaptive with no poll window yet: a kick that was pending when the wait
// began must not read as "a slightly longer poll would have caught it".
TEST(TrapBegin, AKickPendingAtTheStartOfAWaitDoesNotGrowThePollWindow) {
    Vcpu c("WFISLEEP_POLICY=adaptive", "WFISLEEP_ADAPTIVE_POLL_INIT_NS=0");
    for (int i = 0; i < 20; ++i) {
        wfisleep_vcpu_trap_begin(c.v);
        wfisleep_vcpu_kick(c.v);  // after trap_begin: not discarded
        wfisleep_vcpu_idle(c.v, 0, WFISLEEP_NO_DEADLINE);
    }
    const wfisleep_stats s = c.stats();
    EXPECT_EQ(s.kicks, 20u);
    EXPECT_EQ(s.entry_kicks, 20u);
    EXPECT_EQ(s.poll_window_ns, 0u);
    EXPECT_EQ(s.poll_hits, 0u);
}

// The contrast, so the test above can fail: a kick that arrives during the
// sleep, shortly after the wait began, does grow the window.
TEST(TrapBegin, AKickDuringTheSleepStillGrowsThePollWindow) {
    Vcpu c("WFISLEEP_POLICY=adaptive", "WFISLEEP_ADAPTIVE_POLL_INIT_NS=0");
    const uint64_t t0 = wfisleep_now_ns();
    wfisleep_plan2 p{};
    p.size = sizeof p;
    ASSERT_EQ(wfisleep_vcpu_plan2(c.v, t0, 0, WFISLEEP_NO_DEADLINE, &p), 0);
    wfisleep_outcome o{};
    o.size = sizeof o;
    o.flags = WFISLEEP_OUTCOME_KICKED;
    o.end_ns = t0 + 5000;  // 5 us in: within poll_max
    wfisleep_vcpu_done2(c.v, &o);
    EXPECT_GT(c.stats().poll_window_ns, 0u);
}

}  // namespace
