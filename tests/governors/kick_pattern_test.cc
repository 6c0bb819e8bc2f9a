// kick_pattern_test.cc - stale kicks (QEMU's kick pattern): a governor that keeps one ends its
// next wait at once, one that drops it at the HLT exit (trap_begin) waits to its deadline.
#include <gtest/gtest.h>

#include <cctype>
#include <memory>
#include <string>

#include "spec.h"

namespace wfisvm {
namespace {

std::unique_ptr<Governor> make(const std::string &text) {
    GovernorSpec g;
    std::string err;
    EXPECT_TRUE(parse_governor(text, &g, &err)) << err;
    return make_governor(g, nullptr, wfisleep_now_ns());
}

// A kick lands while the vCPU "runs guest code" (no wait in progress, no
// interrupt left pending), then the vCPU halts: trap_begin, then idle with
// a deadline 30 ms ahead. Returns how long the idle took.
uint64_t idle_after_stale_kick(Governor &gov) {
    gov.kick();
    gov.trap_begin();
    const uint64_t t0 = wfisleep_now_ns();
    gov.idle(false, t0 + 30'000'000);
    return wfisleep_now_ns() - t0;
}

class KeepsStaleKick : public ::testing::TestWithParam<const char *> {};
class DropsStaleKick : public ::testing::TestWithParam<const char *> {};

TEST_P(KeepsStaleKick, TheNextWaitEndsAtOnce) {
    auto gov = make(GetParam());
    EXPECT_LT(idle_after_stale_kick(*gov), 10'000'000u) << "the stale kick was lost";
    EXPECT_EQ(gov->stats().stale_kicks, 0u);
    // Consumed by that wait: the next one sleeps to its deadline.
    const uint64_t t0 = wfisleep_now_ns();
    gov->trap_begin();
    gov->idle(false, t0 + 5'000'000);
    EXPECT_GE(wfisleep_now_ns() - t0, 4'000'000u);
}

TEST_P(DropsStaleKick, TheNextWaitRunsToItsDeadline) {
    auto gov = make(GetParam());
    EXPECT_GE(idle_after_stale_kick(*gov), 29'000'000u) << "the stale kick ended the wait";
    EXPECT_EQ(gov->stats().stale_kicks, 1u);
}

TEST(DropsStaleKick, AKickAfterTrapBeginIsKept) {
    // The race trap_begin must not lose: an interrupt raised between the
    // HLT exit and the wait.
    for (const char *g : {"adaptive", "qemu11", "kvm-haltpoll"}) {
        auto gov = make(g);
        gov->trap_begin();
        gov->kick();
        const uint64_t t0 = wfisleep_now_ns();
        gov->idle(false, t0 + 30'000'000);
        EXPECT_LT(wfisleep_now_ns() - t0, 10'000'000u) << g;
    }
}

std::string name(const ::testing::TestParamInfo<const char *> &p) {
    std::string n;
    for (const char *c = p.param; *c; ++c)
        n += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
    return n;
}

// As their real counterparts (docs/governors.md): QEMU 10.x's SIG_IPI stays
// pending until pselect; libkrun's channel keeps the message; the library
// without trap_begin keeps it in its word.
INSTANTIATE_TEST_SUITE_P(Governors, KeepsStaleKick,
                         ::testing::Values("qemu10", "deadline", "adaptive:trap_begin=0"), name);
// The library with trap_begin (the default, as the QEMU glue calls it);
// QEMU 11's condition-variable halt; KVM's halt re-checking pending work.
INSTANTIATE_TEST_SUITE_P(Governors, DropsStaleKick,
                         ::testing::Values("adaptive", "adaptive:trap_begin=1", "qemu11",
                                           "kvm-haltpoll"),
                         name);

}  // namespace
}  // namespace wfisvm
