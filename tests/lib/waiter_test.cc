// waiter_test.cc - wait/kick semantics: pending kicks, stale kicks, strict sleep, FOREVER, phases.
#include "platform/waiter.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "platform/clock.h"
#include "platform/run_delay.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {
namespace {

constexpr uint64_t kMs = 1000000;

wfisleep_plan plan(uint64_t poll, uint64_t sleep, uint64_t spin, int strict = 0) {
    return wfisleep_plan{poll, sleep, spin, strict};
}

WaitOutcome wait_now(Waiter &w, const wfisleep_plan &p) {
    return w.wait(p, now_ns());
}

TEST(Waiter, KickBeforeWaitEndsItAtOnce) {
    for (const wfisleep_plan &p : {plan(0, WFISLEEP_FOREVER, 0), plan(10000 * kMs, 0, 0),
                                   plan(0, 0, 10000 * kMs), plan(0, 10000 * kMs, 0)}) {
        Waiter w;
        w.kick();
        EXPECT_TRUE(w.kick_pending());
        const WaitOutcome o = wait_now(w, p);
        EXPECT_TRUE(o.kicked);
        EXPECT_FALSE(w.kick_pending());
    }
}

TEST(Waiter, KicksDoNotAccumulateAStaleKickCostsOneEarlyReturn) {
    Waiter w;
    w.kick();
    w.kick();
    w.kick();
    EXPECT_TRUE(wait_now(w, plan(0, WFISLEEP_FOREVER, 0)).kicked);
    // The next wait runs its full length: no second kick was stored.
    const uint64_t t0 = now_ns();
    const WaitOutcome o = wait_now(w, plan(0, 2 * kMs, 0));
    EXPECT_FALSE(o.kicked);
    EXPECT_GE(o.end_ns - t0, 2 * kMs);  // never early (a lower bound only)
    EXPECT_EQ(o.ended_in, WaitPhase::sleep);
}

TEST(Waiter, TimedPhasesRunTheirFullLengthWithoutAKick) {
    Waiter w;
    const uint64_t t0 = now_ns();
    const WaitOutcome o = w.wait(plan(1 * kMs, 1 * kMs, 1 * kMs), t0);
    EXPECT_FALSE(o.kicked);
    EXPECT_EQ(o.ended_in, WaitPhase::spin);
    EXPECT_GE(o.end_ns - t0, 3 * kMs);  // phases end at t0 + 1, 2, 3 ms
    EXPECT_GT(o.poll_ns, 0u);
    EXPECT_GE(o.sleep_woke_ns(), t0 + 2 * kMs);
}

TEST(Waiter, PhasesEndAtAbsoluteTimesFromThePlanStart) {
    // A plan computed `back` ago whose phases (back/4 each) all ended long
    // ago returns at once; phases measured from the wait's own start would
    // take 3/4 of `back`.
    const uint64_t now = now_ns();
    const uint64_t back = now / 2;
    if (back < 40000 * kMs) {
        GTEST_SKIP() << "monotonic clock too young (" << now / kMs << " ms) to place the plan";
    }
    Waiter w;
    const uint64_t phase = back / 4;
    const WaitOutcome o = w.wait(plan(phase, phase, phase), now - back);
    EXPECT_FALSE(o.kicked);
    EXPECT_LT(o.end_ns - now, phase);
}

TEST(Waiter, EmptyPlanReturnsAtOnceAndKeepsTheKick) {
    Waiter w;
    w.kick();
    const WaitOutcome o = wait_now(w, plan(0, 0, 0));
    EXPECT_FALSE(o.kicked);
    EXPECT_EQ(o.ended_in, WaitPhase::none);
    EXPECT_TRUE(w.kick_pending());
}

TEST(Waiter, StrictSleepIsNotKickableAndLeavesTheKickPending) {
    Waiter w;
    w.kick();
    const uint64_t t0 = now_ns();
    const WaitOutcome o = w.wait(plan(0, 2 * kMs, 0, 1), t0);
    EXPECT_FALSE(o.kicked);
    EXPECT_GE(o.end_ns - t0, 2 * kMs);
    EXPECT_TRUE(w.kick_pending());
    // The next kickable wait consumes it at once.
    EXPECT_TRUE(wait_now(w, plan(0, WFISLEEP_FOREVER, 0)).kicked);
    EXPECT_FALSE(w.kick_pending());
}

TEST(Waiter, StrictSleepIgnoresAKickDuringTheSleep) {
    Waiter w;
    std::thread kicker([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        w.kick();
    });
    const uint64_t t0 = now_ns();
    const WaitOutcome o = w.wait(plan(0, 20 * kMs, 0, 1), t0);
    kicker.join();
    EXPECT_FALSE(o.kicked);
    EXPECT_GE(o.end_ns - t0, 20 * kMs);
    EXPECT_TRUE(w.kick_pending());
}

// Runs `p` on a thread, checks it has not returned after a while, kicks it,
// and returns the outcome.
WaitOutcome kick_while_waiting(const wfisleep_plan &p) {
    Waiter w;
    std::atomic<bool> returned{false};
    WaitOutcome o;
    std::thread waiter([&] {
        o = wait_now(w, p);
        returned.store(true);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(returned.load()) << "the wait ended without a kick";
    w.kick();
    waiter.join();
    EXPECT_TRUE(returned.load());
    EXPECT_FALSE(w.kick_pending());
    return o;
}

TEST(Waiter, ForeverEndsOnlyOnAKick) {
    const WaitOutcome o = kick_while_waiting(plan(0, WFISLEEP_FOREVER, 0));
    EXPECT_TRUE(o.kicked);
    EXPECT_EQ(o.ended_in, WaitPhase::sleep);
}

TEST(Waiter, KickEndsEachPhase) {
    constexpr uint64_t kLong = 60000 * kMs;  // one minute: only a kick ends it in time
    EXPECT_EQ(kick_while_waiting(plan(kLong, 0, 0)).ended_in, WaitPhase::poll);
    EXPECT_EQ(kick_while_waiting(plan(0, kLong, 0)).ended_in, WaitPhase::sleep);
    EXPECT_EQ(kick_while_waiting(plan(0, 0, kLong)).ended_in, WaitPhase::spin);
    EXPECT_EQ(kick_while_waiting(plan(1 * kMs, WFISLEEP_FOREVER, 0)).ended_in, WaitPhase::sleep);
}

TEST(VcpuWait, KickEndsAPollPhaseAndCountsAPollHit) {
    const char *vars[] = {nullptr};
    wfisleep_config *cfg = nullptr;
    ASSERT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, 0);
    std::thread kicker([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        wfisleep_vcpu_kick(v);
    });
    const wfisleep_plan p = plan(60000 * kMs, 0, 0);
    int kicked = 0;
    wfisleep_vcpu_wait(v, &p, &kicked);
    kicker.join();
    EXPECT_EQ(kicked, 1);
    wfisleep_vcpu_kick(v);
    const wfisleep_plan f = plan(0, WFISLEEP_FOREVER, 0);
    wfisleep_vcpu_wait(v, &f, &kicked);
    EXPECT_EQ(kicked, 1);
    wfisleep_stats s{};
    s.size = sizeof s;
    wfisleep_vcpu_stats(v, &s);
    EXPECT_EQ(s.kicks, 2u);
    EXPECT_EQ(s.poll_hits, 1u);
    EXPECT_GT(s.poll_ns, 0u);
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
}

TEST(VcpuIdle, SeedSleepIsKickableUnlessStrict) {
    for (const bool strict : {false, true}) {
        const char *vars[] = {"HVF_WFI_SLEEP=10000", "WFISLEEP_BOOT_GRACE_MS=0",
                              strict ? "WFISLEEP_SEED_STRICT=1" : "WFISLEEP_SEED_STRICT=0",
                              nullptr};
        wfisleep_config *cfg = nullptr;
        ASSERT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
        wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, 0);
        // Back-to-back idle calls on the real clock are rapid, so the streak
        // ramps up. A kick is made pending before every call: it ends a
        // kickable sleep at once, and must not shorten a strict one.
        int sleeping_calls = 0;
        uint64_t sleeps_seen = 0;
        for (int i = 0; i < 200000 && sleeping_calls < 3; ++i) {
            wfisleep_vcpu_kick(v);
            const uint64_t spent = wfisleep_vcpu_idle(v, 0, WFISLEEP_NO_DEADLINE);
            wfisleep_stats s{};
            s.size = sizeof s;
            wfisleep_vcpu_stats(v, &s);
            if (s.sleeps > sleeps_seen) {
                sleeps_seen = s.sleeps;
                ++sleeping_calls;
                if (strict) {
                    EXPECT_GE(spent, 1000000u);  // 10% of 10 ms, not cut short
                }
            }
        }
        EXPECT_EQ(sleeping_calls, 3);
        wfisleep_stats s{};
        s.size = sizeof s;
        wfisleep_vcpu_stats(v, &s);
        EXPECT_EQ(s.kicks, strict ? 0u : 3u);
        wfisleep_vcpu_free(v);
        wfisleep_config_free(cfg);
    }
}

// The real waiter with a CPU hog pinned to the waiting thread's core: its
// busy loops lose the CPU to the hog, the thread's own run delay confirms
// it, so a YIELD spin reports PREEMPTED and blocks the rest of its phase.
// Behaviour, not timing: the waits stop as soon as both were seen (within
// 2 s at most). (The run delay across a sleep is not asserted here: the
// kernel's wake-up preemption usually runs the woken waiter at once, so it
// is often 0 even beside a hog; the fake-clock tests cover its use.)
TEST(Waiter, AHogOnTheSameCoreIsConfirmedAsPreemption) {
    if (read_run_delay().source != RunDelaySource::schedstat) {
        GTEST_SKIP() << "no /proc/thread-self/schedstat: preemption is confirmed by involuntary "
                        "switches only";
    }
    cpu_set_t old_mask;
    ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof old_mask, &old_mask), 0);
    const int cpu = sched_getcpu();
    ASSERT_GE(cpu, 0);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0);
    std::atomic<bool> stop{false};
    std::thread hog([&] {
        (void)pthread_setaffinity_np(pthread_self(), sizeof one, &one);
        while (!stop.load(std::memory_order_relaxed)) {
        }
    });
    Waiter w;
    bool preempted = false;
    bool yielded = false;
    const uint64_t give_up = now_ns() + 2000 * kMs;
    while (!(preempted && yielded) && now_ns() < give_up) {
        const uint64_t t = now_ns();
        wfisleep_plan2 p{};
        p.size = sizeof p;
        p.start_ns = t;
        p.nphases = 2;
        p.phase[0] = wfisleep_phase{WFISLEEP_PHASE_SLEEP, 0, t + kMs / 5};
        p.phase[1] = wfisleep_phase{WFISLEEP_PHASE_SPIN, WFISLEEP_PHASE_YIELD, t + 20 * kMs};
        const WaitOutcome o = w.wait(p);
        preempted = preempted || o.preempted_ns > 0;
        // Yielded: the spin phase's rest was blocked, which counts as sleep
        // time beyond the sleep phase's own.
        yielded = yielded || (o.preempted_ns > 0 && o.sleep_ns > o.wake_ns[0] - o.begin_ns[0]);
    }
    stop = true;
    hog.join();
    (void)pthread_setaffinity_np(pthread_self(), sizeof old_mask, &old_mask);
    EXPECT_TRUE(preempted) << "no busy-loop gap confirmed by the run delay";
    EXPECT_TRUE(yielded) << "a confirmed gap did not block the rest of the YIELD spin";
}

}  // namespace
}  // namespace wfisleep::platform
