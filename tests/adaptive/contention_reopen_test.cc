// contention_reopen_test.cc - the contention gate sees every wait, so it reopens on a quiet host
// even when contended plans have no busy phase left to observe.
#include <gtest/gtest.h>

#include <cstdint>

#include "policy/adaptive_policy.h"
#include "policy/contention_gate.h"

namespace {

using wfisleep::AdaptiveParams;
using wfisleep::AdaptivePolicy;
using wfisleep::ContentionGate;

constexpr uint64_t kUs = 1000;
constexpr uint64_t kMs = 1000 * kUs;

wfisleep_plan2 plan_at(AdaptivePolicy &pol, uint64_t now, uint64_t deadline) {
    wfisleep_plan2 p{};
    p.size = sizeof p;
    pol.plan2(now, false, deadline, p);
    return p;
}

wfisleep_outcome outcome(uint32_t flags, uint64_t end_ns, uint32_t ended_in) {
    wfisleep_outcome o{};
    o.size = sizeof o;
    o.flags = flags;
    o.end_ns = end_ns;
    o.ended_in = ended_in;
    return o;
}

// Three deadline waits whose spin tail lost the CPU close the gate.
void close_gate(AdaptivePolicy &pol, uint64_t &now) {
    for (int i = 0; i < 3; ++i) {
        const uint64_t deadline = now + kMs;
        const wfisleep_plan2 p = plan_at(pol, now, deadline);
        ASSERT_EQ(p.phase[p.nphases - 1].kind, static_cast<uint32_t>(WFISLEEP_PHASE_SPIN));
        wfisleep_outcome o = outcome(WFISLEEP_OUTCOME_PREEMPTED, deadline, p.nphases);
        o.preempted_ns = 100 * kUs;
        pol.done2(o);
        now = deadline + 20 * kUs;
    }
    ASSERT_TRUE(pol.contended());
}

// An idle tickless vCPU: its timer is off, so every wait is one unbounded
// sleep (no poll while contended) that an IPI ends.
TEST(ContentionReopen, CleanNoDeadlineWaitsReopenTheGate) {
    AdaptiveParams params;
    params.poll_init_ns = 20 * kUs;
    params.contended_spin_ns = 2 * kUs;
    AdaptivePolicy pol(params);
    uint64_t now = kMs;
    close_gate(pol, now);
    for (uint32_t i = 1; i <= ContentionGate::kQuietWaitsToOpen; ++i) {
        ASSERT_TRUE(pol.contended()) << "after " << i - 1 << " clean waits";
        const wfisleep_plan2 p = plan_at(pol, now, WFISLEEP_NO_DEADLINE);
        ASSERT_EQ(p.nphases, 1u) << "contended: no poll";
        now += 3 * kMs;
        pol.done2(outcome(WFISLEEP_OUTCOME_KICKED, now, 0));
    }
    EXPECT_FALSE(pol.contended());
    EXPECT_EQ(ContentionGate::kQuietWaitsToOpen, 100u);
    const wfisleep_plan2 p = plan_at(pol, now, now + kMs);
    EXPECT_EQ(p.phase[p.nphases - 1].end_ns - p.phase[p.nphases - 2].end_ns,
              params.advance_init_ns)
        << "the spin tail is no longer capped";
}

// With CONTENDED_SPIN_NS=0 a contended deadline wait is a single sleep.
TEST(ContentionReopen, SleepOnlyDeadlineWaitsReopenTheGate) {
    AdaptiveParams params;
    params.contended_spin_ns = 0;
    AdaptivePolicy pol(params);
    uint64_t now = kMs;
    close_gate(pol, now);
    for (uint32_t i = 0; i < ContentionGate::kQuietWaitsToOpen; ++i) {
        ASSERT_TRUE(pol.contended());
        const uint64_t deadline = now + kMs;
        const wfisleep_plan2 p = plan_at(pol, now, deadline);
        ASSERT_EQ(p.nphases, 1u);
        ASSERT_EQ(p.phase[0].kind, static_cast<uint32_t>(WFISLEEP_PHASE_SLEEP));
        wfisleep_outcome o = outcome(0, deadline + 5 * kUs, 1);
        o.wake_ns[0] = deadline + 5 * kUs;
        pol.done2(o);
        now = deadline + 20 * kUs;
    }
    EXPECT_FALSE(pol.contended());
}

// A wait a kick ended in its sleep spun nothing: it is no evidence that the
// busy loops run undisturbed, so it must not reopen the gate as fast as
// clean spins do (about fifteen).
TEST(ContentionReopen, AWaitKickedInItsSleepIsNotACleanBusyWait) {
    AdaptivePolicy pol(AdaptiveParams{});
    uint64_t now = kMs;
    close_gate(pol, now);
    for (int i = 0; i < 40; ++i) {
        const uint64_t deadline = now + kMs;
        const wfisleep_plan2 p = plan_at(pol, now, deadline);
        ASSERT_EQ(p.phase[0].kind, static_cast<uint32_t>(WFISLEEP_PHASE_SLEEP));
        ASSERT_EQ(p.phase[p.nphases - 1].kind, static_cast<uint32_t>(WFISLEEP_PHASE_SPIN));
        const uint64_t kicked_at = now + 300 * kUs;
        wfisleep_outcome o = outcome(WFISLEEP_OUTCOME_KICKED, kicked_at, 0);
        o.wake_ns[0] = kicked_at;
        pol.done2(o);
        now = kicked_at + 20 * kUs;
    }
    EXPECT_TRUE(pol.contended());
    // The same through the 0.1 report, which only says "kicked" and when.
    AdaptivePolicy old(AdaptiveParams{});
    now = kMs;
    close_gate(old, now);
    for (int i = 0; i < 40; ++i) {
        const uint64_t deadline = now + kMs;
        (void)old.plan(now, false, deadline);
        old.done(now + 300 * kUs, true);
        now += 320 * kUs;
    }
    EXPECT_TRUE(old.contended());
}

// A preempted wait in the middle of a quiet run starts the run again.
TEST(ContentionReopen, APreemptedWaitRestartsTheQuietRun) {
    ContentionGate g(25, 5);
    for (int i = 0; i < 3; ++i) g.observe(ContentionGate::Wait::preempted);
    ASSERT_TRUE(g.contended());
    for (uint32_t i = 0; i + 1 < ContentionGate::kQuietWaitsToOpen; ++i) {
        g.observe(ContentionGate::Wait::idle);
    }
    g.observe(ContentionGate::Wait::preempted);
    for (uint32_t i = 0; i + 1 < ContentionGate::kQuietWaitsToOpen; ++i) {
        g.observe(ContentionGate::Wait::idle);
    }
    EXPECT_TRUE(g.contended());
    g.observe(ContentionGate::Wait::idle);
    EXPECT_FALSE(g.contended());
    EXPECT_EQ(g.share(), 0u);
}

}  // namespace
