// no_alloc_test.cc - the C ABI's per-trap calls (trap_begin, plan2, wait2, done2, kick,
// kick_pending) allocate nothing, for every policy (its own binary: it replaces operator new).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "../common/allocation_counter.h"
#include "wfisleep/wfisleep.h"

namespace {

constexpr uint64_t kUs = 1000;

void quiet(void * /*ctx*/, const char * /*line*/) {}

class NoAlloc : public ::testing::TestWithParam<const char *> {};

// Real waits (deadlines 0..120 us ahead, none, some kicked), planned with and
// without work, reported with full and 0.2-sized outcomes: not one
// allocation after the vCPU exists.
TEST_P(NoAlloc, PlanWaitAndDoneAllocateNothing) {
    wfisleep_set_log(quiet, nullptr);
    const char *vars[] = {GetParam(), "WFISLEEP_BOOT_GRACE_MS=0", nullptr};
    wfisleep_config *cfg = nullptr;
    ASSERT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, wfisleep_now_ns());
    ASSERT_NE(v, nullptr);
    const uint64_t before = wfisleep_test::g_allocations.load();
    uint64_t waits = 0;
    for (int i = 0; i < 300; ++i) {
        wfisleep_vcpu_trap_begin(v);
        if (i % 5 == 0) {
            wfisleep_vcpu_kick(v);
        }
        const uint64_t now = wfisleep_now_ns();
        const uint64_t deadline =
            i % 7 == 0 ? WFISLEEP_NO_DEADLINE : now + static_cast<uint64_t>(i % 13) * 10 * kUs;
        wfisleep_plan2 p{};
        p.size = sizeof p;
        ASSERT_EQ(wfisleep_vcpu_plan2(v, now, i % 11 == 0, deadline, &p), 0);
        wfisleep_outcome o{};
        o.size = i % 2 == 0 ? sizeof o : 96;  // 0.2's size
        if (p.nphases == 0 ||
            (deadline == WFISLEEP_NO_DEADLINE && wfisleep_vcpu_kick_pending(v) == 0)) {
            // Nothing planned (off, the seed before its streak) or an
            // unbounded block nobody would end: wait a bounded shape instead.
            p.nphases = 2;
            p.phase[0] = wfisleep_phase{WFISLEEP_PHASE_SLEEP, 0, now + 20 * kUs};
            p.phase[1] = wfisleep_phase{WFISLEEP_PHASE_SPIN, WFISLEEP_PHASE_YIELD, now + 30 * kUs};
        }
        (void)wfisleep_vcpu_wait2(v, &p, &o);
        ++waits;
        wfisleep_vcpu_done2(v, &o);
    }
    EXPECT_EQ(wfisleep_test::g_allocations.load(), before);
    EXPECT_EQ(waits, 300u);
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
    wfisleep_set_log(nullptr, nullptr);
}

INSTANTIATE_TEST_SUITE_P(Policies, NoAlloc,
                         ::testing::Values("WFISLEEP_POLICY=adaptive", "HVF_WFI_SLEEP=20",
                                           "WFISLEEP_POLICY=off"));

}  // namespace
