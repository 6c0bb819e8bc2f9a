// plan2_test.cc - the extensible plan/outcome: sizes, the 0.1 wrappers, one kick count, version.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>

#include "plan_convert.h"
#include "test_vcpu.h"
#include "wfisleep/wfisleep.h"

namespace {

constexpr uint64_t kUs = 1000;
constexpr uint64_t kMs = 1000 * kUs;

using Vcpu = wfisleep::test::TestVcpu;

TEST(Version, RuntimeMatchesTheHeaders) {
    EXPECT_EQ(wfisleep_version(), WFISLEEP_VERSION);
    EXPECT_EQ(WFISLEEP_VERSION, WFISLEEP_VERSION_MAJOR * 10000 + WFISLEEP_VERSION_MINOR * 100 +
                                    WFISLEEP_VERSION_PATCH);
    EXPECT_GE(wfisleep_version(), 200);  // 0.2.0 or later
}

TEST(Plan2, AdaptiveWithADeadlineEndsAtTheDeadlineInOrder) {
    Vcpu c("WFISLEEP_POLICY=adaptive");
    wfisleep_plan2 p{};
    p.size = sizeof p;
    const uint64_t now = 1000 * kMs;
    const uint64_t deadline = now + 5 * kMs;
    ASSERT_EQ(wfisleep_vcpu_plan2(c.v, now, 0, deadline, &p), 0);
    ASSERT_GE(p.nphases, 2u);
    EXPECT_EQ(p.start_ns, now);
    uint64_t prev = now;
    for (uint32_t i = 0; i < p.nphases; ++i) {
        EXPECT_GE(p.phase[i].end_ns, prev) << i;
        prev = p.phase[i].end_ns;
    }
    EXPECT_EQ(p.phase[p.nphases - 1].end_ns, deadline);
    EXPECT_EQ(p.phase[p.nphases - 1].kind, static_cast<uint32_t>(WFISLEEP_PHASE_SPIN));
}

TEST(Plan2, HasWorkOrAPassedDeadlineMeansNoPhase) {
    Vcpu c("WFISLEEP_POLICY=adaptive");
    wfisleep_plan2 p{};
    p.size = sizeof p;
    ASSERT_EQ(wfisleep_vcpu_plan2(c.v, 10 * kMs, 1, 20 * kMs, &p), 0);
    EXPECT_EQ(p.nphases, 0u);
    ASSERT_EQ(wfisleep_vcpu_plan2(c.v, 10 * kMs, 0, 9 * kMs, &p), 0);
    EXPECT_EQ(p.nphases, 0u);
}

TEST(Plan2, SeedPlansOneStrictSleepWhenStrict) {
    Vcpu c("HVF_WFI_SLEEP=100", "WFISLEEP_SEED_STRICT=1");
    // Past the grace (15 s default) with a streak built by rapid traps.
    uint64_t t = 20000 * kMs;
    wfisleep_plan2 p{};
    p.size = sizeof p;
    for (int i = 0; i < 600; ++i) {
        ASSERT_EQ(wfisleep_vcpu_plan2(c.v, t, 0, WFISLEEP_NO_DEADLINE, &p), 0);
        t += (p.nphases > 0 ? p.phase[0].end_ns - p.start_ns : 0) + 1 * kUs;
    }
    ASSERT_EQ(p.nphases, 1u);
    EXPECT_EQ(p.phase[0].kind, static_cast<uint32_t>(WFISLEEP_PHASE_SLEEP));
    EXPECT_EQ(p.phase[0].flags, WFISLEEP_PHASE_STRICT);
    EXPECT_EQ(p.phase[0].end_ns - p.start_ns, 100 * kUs);
}

TEST(Plan2, SizeRules) {
    Vcpu c("WFISLEEP_POLICY=adaptive");
    EXPECT_EQ(wfisleep_vcpu_plan2(c.v, 0, 0, 5 * kMs, nullptr), -1);
    wfisleep_plan2 p{};
    p.size = 4;  // not even the header
    EXPECT_EQ(wfisleep_vcpu_plan2(c.v, 0, 0, 5 * kMs, &p), -1);
    // Room for one phase only: this plan needs more, so the caller gets none.
    p.size = static_cast<uint32_t>(offsetof(wfisleep_plan2, phase) + sizeof(wfisleep_phase));
    p.nphases = 7;
    EXPECT_EQ(wfisleep_vcpu_plan2(c.v, 0, 0, 5 * kMs, &p), -1);
    EXPECT_EQ(p.nphases, 0u);
    p.size = sizeof p;
    EXPECT_EQ(wfisleep_vcpu_plan2(nullptr, 0, 0, 5 * kMs, &p), -1);
    EXPECT_EQ(p.nphases, 0u);
}

TEST(Plan2, TheOldPlanIsTheFoldedPlan2) {
    Vcpu a("WFISLEEP_POLICY=adaptive");
    Vcpu b("WFISLEEP_POLICY=adaptive");
    const uint64_t now = 100 * kMs;
    wfisleep_plan2 p2{};
    p2.size = sizeof p2;
    ASSERT_EQ(wfisleep_vcpu_plan2(a.v, now, 0, now + 3 * kMs, &p2), 0);
    const wfisleep_plan p = wfisleep_vcpu_plan(b.v, now, 0, now + 3 * kMs);
    EXPECT_EQ(now + p.poll_ns + p.sleep_ns + p.spin_ns, now + 3 * kMs);
    wfisleep_plan2 back{};
    wfisleep::plan2_from_plan(p, now, back);
    ASSERT_EQ(back.nphases, p2.nphases);
    for (uint32_t i = 0; i < p2.nphases; ++i) {
        EXPECT_EQ(back.phase[i].kind, p2.phase[i].kind);
        EXPECT_EQ(back.phase[i].end_ns, p2.phase[i].end_ns);
    }
}

TEST(PlanConvert, FoldsMultiSleepPlansAndForever) {
    wfisleep_plan2 p{};
    p.start_ns = 1000;
    p.nphases = 4;
    p.phase[0] = {WFISLEEP_PHASE_POLL, 0, 1100};
    p.phase[1] = {WFISLEEP_PHASE_SLEEP, 0, 5000};
    p.phase[2] = {WFISLEEP_PHASE_SLEEP, 0, 7000};
    p.phase[3] = {WFISLEEP_PHASE_SPIN, 0, 7500};
    const wfisleep_plan f = wfisleep::plan_from_plan2(p);
    EXPECT_EQ(f.poll_ns, 100u);
    EXPECT_EQ(f.sleep_ns, 5900u);
    EXPECT_EQ(f.spin_ns, 500u);
    EXPECT_EQ(f.strict, 0);

    wfisleep_plan2 q{};
    wfisleep::plan2_from_plan(wfisleep_plan{50, WFISLEEP_FOREVER, 0, 0}, 10, q);
    ASSERT_EQ(q.nphases, 2u);
    EXPECT_EQ(q.phase[1].end_ns, WFISLEEP_FOREVER);
    EXPECT_EQ(wfisleep::plan_from_plan2(q).sleep_ns, WFISLEEP_FOREVER);
    EXPECT_EQ(wfisleep::plan_from_plan2(q).poll_ns, 50u);

    wfisleep_plan2 sat{};
    wfisleep::plan2_from_plan(wfisleep_plan{UINT64_MAX - 1, 0, 5, 0}, 10, sat);
    // Saturates one short of FOREVER: a bounded phase stays bounded.
    EXPECT_EQ(sat.phase[sat.nphases - 1].end_ns, UINT64_MAX - 1);
}

// A wait by the library, then done() saying "kicked": one kick, not two.
TEST(Plan2, AKickIsCountedOnceWhicheverPathSawIt) {
    Vcpu c("WFISLEEP_POLICY=off");
    const wfisleep_plan forever = {0, WFISLEEP_FOREVER, 0, 0};
    wfisleep_vcpu_plan(c.v, wfisleep_now_ns(), 0, WFISLEEP_NO_DEADLINE);
    wfisleep_vcpu_kick(c.v);
    int kicked = 0;
    wfisleep_vcpu_wait(c.v, &forever, &kicked);
    ASSERT_EQ(kicked, 1);
    wfisleep_vcpu_done(c.v, wfisleep_now_ns(), 1);
    EXPECT_EQ(c.stats().kicks, 1u);
    // An embedder that waits by itself: done2 is the only one to see it.
    wfisleep_vcpu_plan(c.v, wfisleep_now_ns(), 0, WFISLEEP_NO_DEADLINE);
    wfisleep_outcome o{};
    o.size = sizeof o;
    o.flags = WFISLEEP_OUTCOME_KICKED;
    o.end_ns = wfisleep_now_ns();
    wfisleep_vcpu_done2(c.v, &o);
    EXPECT_EQ(c.stats().kicks, 2u);
    wfisleep_vcpu_done2(c.v, nullptr);  // no-op
}

TEST(Plan2, Wait2ReportsWhenEachSleepPhaseWoke) {
    Vcpu c("WFISLEEP_POLICY=off");
    const uint64_t t0 = wfisleep_now_ns();
    wfisleep_plan2 p{};
    p.size = sizeof p;
    p.start_ns = t0;
    p.nphases = 3;
    p.phase[0] = {WFISLEEP_PHASE_SLEEP, 0, t0 + 1 * kMs};
    p.phase[1] = {WFISLEEP_PHASE_SLEEP, 0, t0 + 2 * kMs};
    p.phase[2] = {WFISLEEP_PHASE_SPIN, 0, t0 + 2 * kMs + 100 * kUs};
    wfisleep_outcome o{};
    o.size = sizeof o;
    const uint64_t spent = wfisleep_vcpu_wait2(c.v, &p, &o);
    EXPECT_GT(spent, 0u);
    EXPECT_EQ(o.flags & WFISLEEP_OUTCOME_KICKED, 0u);
    EXPECT_EQ(o.ended_in, 3u);
    EXPECT_GE(o.wake_ns[0], t0 + 1 * kMs);
    EXPECT_GE(o.wake_ns[1], t0 + 2 * kMs);
    EXPECT_GE(o.wake_ns[1], o.wake_ns[0]);
    EXPECT_EQ(o.wake_ns[2], 0u);  // a spin has no wake time
    EXPECT_GE(o.end_ns, p.phase[2].end_ns);
}

// A caller built against a smaller outcome struct gets only what fits.
TEST(Plan2, Wait2WritesNoMoreThanTheCallersSize) {
    Vcpu c("WFISLEEP_POLICY=off");
    const uint64_t t0 = wfisleep_now_ns();
    wfisleep_plan2 p{};
    p.size = sizeof p;
    p.start_ns = t0;
    p.nphases = 1;
    p.phase[0] = {WFISLEEP_PHASE_SLEEP, 0, t0 + 100 * kUs};
    unsigned char buf[sizeof(wfisleep_outcome) + 8];
    memset(buf, 0xAB, sizeof buf);
    wfisleep_outcome *o = reinterpret_cast<wfisleep_outcome *>(buf);
    o->size = static_cast<uint32_t>(offsetof(wfisleep_outcome, preempted_ns));
    wfisleep_vcpu_wait2(c.v, &p, o);
    EXPECT_GE(o->end_ns, t0 + 100 * kUs);
    for (size_t i = offsetof(wfisleep_outcome, preempted_ns); i < sizeof buf; ++i) {
        ASSERT_EQ(buf[i], 0xAB) << "byte " << i;
    }
}

}  // namespace
