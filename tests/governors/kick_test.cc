// kick_test.cc - a kick ends every governor's wait (during it or before it); the strict seed
// ignores it.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "governors/library_governor.h"
#include "spec.h"

namespace wfisvm {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kFarNs = 20'000'000'000;  // a deadline no test should reach

std::unique_ptr<Governor> make(const std::string &text) {
    GovernorSpec g;
    std::string err;
    EXPECT_TRUE(parse_governor(text, &g, &err)) << err;
    return make_governor(g, nullptr, wfisleep_now_ns());
}

// Runs idle() on a vCPU thread; `kick_after` sleeps this thread before the
// kick. If the governor misses the kick the test fails after 10 s, then
// keeps kicking so it still ends.
wfisleep_stats idle_and_kick(Governor &gov, uint64_t deadline_ns, bool kick_first) {
    std::atomic<bool> returned{false};
    if (kick_first) gov.kick();
    std::thread vcpu([&] {
        gov.idle(false, deadline_ns);
        returned.store(true);
    });
    if (!kick_first) {
        std::this_thread::sleep_for(
            20ms);  // usually inside the wait by now; either way it must end
        gov.kick();
    }
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (!returned.load() && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(1ms);
    }
    EXPECT_TRUE(returned.load()) << "the kick did not end the wait";
    while (!returned.load()) {
        gov.kick();
        std::this_thread::sleep_for(1ms);
    }
    vcpu.join();
    return gov.stats();
}

// gtest names: letters, digits and '_' only.
std::string param_name(const ::testing::TestParamInfo<const char *> &p) {
    std::string n;
    for (const char *c = p.param; *c; ++c) {
        n += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
    }
    return n;
}

class KickEndsWait : public ::testing::TestWithParam<const char *> {};

TEST_P(KickEndsWait, DuringAWaitWithAFarDeadline) {
    auto gov = make(GetParam());
    const uint64_t t0 = wfisleep_now_ns();
    const wfisleep_stats s = idle_and_kick(*gov, t0 + kFarNs, false);
    EXPECT_EQ(s.idle_calls, 1u);
    EXPECT_EQ(s.kicks, 1u);
    EXPECT_LT(wfisleep_now_ns(), t0 + kFarNs);
}

TEST_P(KickEndsWait, DuringAWaitWithoutDeadline) {
    auto gov = make(GetParam());
    const wfisleep_stats s = idle_and_kick(*gov, WFISLEEP_NO_DEADLINE, false);
    EXPECT_EQ(s.idle_calls, 1u);
    EXPECT_EQ(s.kicks, 1u);
}

TEST_P(KickEndsWait, KickBeforeTheWaitEndsIt) {
    auto gov = make(GetParam());
    const wfisleep_stats s = idle_and_kick(*gov, wfisleep_now_ns() + kFarNs, true);
    EXPECT_EQ(s.kicks, 1u);
}

INSTANTIATE_TEST_SUITE_P(Governors, KickEndsWait,
                         ::testing::Values("adaptive", "deadline", "deadline+spin:us=50", "qemu10",
                                           "qemu11", "kvm-haltpoll"),
                         param_name);

TEST(KickEndsWait, OffNeverWaits) {
    auto gov = make("off");
    gov->idle(false, wfisleep_now_ns() + kFarNs);
    const wfisleep_stats s = gov->stats();
    EXPECT_EQ(s.idle_calls, 1u);
    EXPECT_EQ(s.sleeps, 0u);
    EXPECT_EQ(s.kicks, 0u);
}

// The seed sleeps only after a streak of rapid idle calls (a preemption of
// 1 ms or more resets it, so call until 20 sleeps happened); a kicker thread
// kicks throughout. Kickable: kicks end its sleeps. Strict: none does.
struct SeedRun {
    wfisleep_stats stats;
    uint64_t calls;
};

SeedRun seed_under_kicks(const char *spec) {
    auto gov = make(spec);
    std::atomic<bool> done{false};
    std::thread kicker([&] {
        while (!done.load()) {
            gov->kick();
            std::this_thread::sleep_for(100us);
        }
    });
    uint64_t calls = 0;
    while (calls < 20000 && gov->stats().sleeps < 20) {
        gov->idle(false, WFISLEEP_NO_DEADLINE);
        ++calls;
    }
    done.store(true);
    kicker.join();
    return {gov->stats(), calls};
}

TEST(KickEndsWait, KickableSeedSleepsEndOnKicks) {
    const SeedRun r = seed_under_kicks("seed:max_us=10000,grace_ms=0");
    EXPECT_EQ(r.stats.idle_calls, r.calls);
    EXPECT_GE(r.stats.sleeps, 20u);
    EXPECT_GT(r.stats.kicks, 0u);
}

TEST(KickEndsWait, StrictSeedSleepsIgnoreKicks) {
    const SeedRun r = seed_under_kicks("seed:max_us=100,grace_ms=0,strict=1");
    EXPECT_EQ(r.stats.idle_calls, r.calls);
    EXPECT_GE(r.stats.sleeps, 20u);
    EXPECT_EQ(r.stats.kicks, 0u);
}

TEST(Qemu11Timer, TheTimerThreadEndsTheHaltNoEarlierThanTheDeadline) {
    auto gov = make("qemu11");
    for (int i = 0; i < 5; ++i) {
        const uint64_t deadline = wfisleep_now_ns() + 3'000'000;
        gov->idle(false, deadline);  // only the timer thread's kick can end it
        EXPECT_GE(wfisleep_now_ns(), deadline);
    }
    const wfisleep_stats s = gov->stats();
    EXPECT_EQ(s.idle_calls, 5u);
    EXPECT_EQ(s.kicks, 5u);
}

TEST(Qemu11Timer, ADueDeadlineIsRaisedAtOnceByTheTimerThread) {
    auto gov = make("qemu11");
    gov->idle(false, wfisleep_now_ns());  // due: the main loop runs the timer next
    EXPECT_EQ(gov->stats().kicks, 1u);
}

TEST(DeadlineModels, WakeAtOrAfterTheDeadline) {
    // models sleep (or spin) exactly to it
    for (const char *spec : {"deadline", "deadline+spin:us=500", "qemu10", "kvm-haltpoll"}) {
        auto gov = make(spec);
        const uint64_t deadline = wfisleep_now_ns() + 3'000'000;
        gov->idle(false, deadline);
        EXPECT_GE(wfisleep_now_ns(), deadline) << spec;
        EXPECT_EQ(gov->stats().kicks, 0u) << spec;
    }
}

// The spin phase is part of the wait: a kick ends it at once, and its time
// is reported as spin_ns (the bench's CPU per timer interrupt).
TEST(DeadlineModels, DeadlineSpinSpinsTheTailAndAKickEndsTheSpin) {
    // 10 ms of sleep, then 10 ms of spin; a sleep ending late (a loaded
    // host) shortens the spin, so the bounds leave it 9 ms.
    auto gov = make("deadline+spin:us=10000");
    gov->idle(false, wfisleep_now_ns() + 20'000'000);
    wfisleep_stats s = gov->stats();
    EXPECT_EQ(s.sleeps, 1u);
    EXPECT_GE(s.sleep_ns, 9'000'000u);
    EXPECT_GE(s.spin_ns, 1'000'000u);
    EXPECT_LE(s.spin_ns, 10'000'000u + 5'000'000u);

    auto spinner = make("deadline+spin:us=100000");  // a 10 s deadline: 100 ms of spin
    const uint64_t t0 = wfisleep_now_ns();
    std::atomic<bool> returned{false};
    std::thread vcpu([&] {
        spinner->idle(false, t0 + 100'000'000);  // all of it a spin
        returned.store(true);
    });
    std::this_thread::sleep_for(20ms);
    spinner->kick();
    vcpu.join();
    s = spinner->stats();
    EXPECT_TRUE(returned.load());
    EXPECT_EQ(s.kicks, 1u);
    EXPECT_GT(s.spin_ns, 0u);
    EXPECT_LT(wfisleep_now_ns(), t0 + 100'000'000) << "the kick did not end the spin";
}

TEST(DeadlineModels, Qemu10SpinsThroughShortWaits) {
    auto gov = make("qemu10");
    for (int i = 0; i < 100; ++i) gov->idle(false, wfisleep_now_ns() + 1'000'000);
    const wfisleep_stats s = gov->stats();
    EXPECT_EQ(s.idle_calls, 100u);
    EXPECT_EQ(s.sleeps, 0u);
}

// A halt whose deadline passes between its plan and its block (a preempted
// thread; here deadlines a few clock reads away, so some pass in between) is
// still one idle call.
TEST(DeadlineModels, EveryHaltIsCountedOnceEvenWhenTheDeadlinePassesFirst) {
    for (const char *spec :
         {"deadline", "deadline+spin:us=100", "qemu10", "kvm-haltpoll", "kvm-haltpoll:poll_ns=0"}) {
        auto gov = make(spec);
        for (uint64_t i = 0; i < 4000; ++i) gov->idle(false, wfisleep_now_ns() + i % 400);
        EXPECT_EQ(gov->stats().idle_calls, 4000u) << spec;
    }
}

TEST(DeadlineModels, HasWorkReturnsAtOnceForEveryGovernor) {
    for (const char *spec : {"off", "seed", "adaptive", "deadline", "deadline+spin:us=50", "qemu10",
                             "qemu11", "kvm-haltpoll"}) {
        auto gov = make(spec);
        gov->idle(true, WFISLEEP_NO_DEADLINE);  // would block forever without work
        const wfisleep_stats s = gov->stats();
        EXPECT_EQ(s.idle_calls, 1u) << spec;
        EXPECT_EQ(s.work_returns, 1u) << spec;
        EXPECT_EQ(s.sleeps, 0u) << spec;
    }
}

TEST(MakeGovernor, ADefaultSpecIsAdaptiveEvenWithoutVars) {
    const GovernorSpec spec;  // kind adaptive, no vars
    ASSERT_EQ(spec.kind, GovernorKind::kAdaptive);
    EXPECT_EQ(library_vars(spec).at("WFISLEEP_POLICY"), "adaptive");
    LibraryGovernor gov(library_vars(spec), wfisleep_now_ns());
    EXPECT_STREQ(gov.policy(), "adaptive");
    GovernorSpec seed;
    std::string err;
    ASSERT_TRUE(parse_governor("seed:max_us=7", &seed, &err)) << err;
    LibraryGovernor s(library_vars(seed), wfisleep_now_ns());
    EXPECT_STREQ(s.policy(), "seed");
}

}  // namespace
}  // namespace wfisvm
