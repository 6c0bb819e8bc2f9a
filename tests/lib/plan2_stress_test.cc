// plan2_stress_test.cc - kicks against plan2 shapes on the real waiter and futex (label stress;
// run it under TSan too): YIELD blocks, two sleeps, spin tails, kicks at every phase boundary.
//
// Property: a kick is never lost and publishes what the kicker wrote before
// it. Plans end in an unbounded sleep where they can, so a lost kick hangs
// the waiter and the watchdog fails the test.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <random>
#include <thread>

#include "../common/watchdog.h"
#include "platform/clock.h"
#include "platform/waiter.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {
namespace {

constexpr auto kRunTime = std::chrono::milliseconds(1500);
constexpr uint64_t kUs = 1000;
using wfisleep_test::Watchdog;

// A random plan2 shape from t0: each has at least one of a YIELD busy phase,
// two sleeps, or a spin tail; most end in an unbounded sleep.
wfisleep_plan2 random_shape(std::minstd_rand &rng, uint64_t t0) {
    wfisleep_plan2 p{};
    p.size = sizeof p;
    p.start_ns = t0;
    auto add = [&p](uint32_t kind, uint32_t flags, uint64_t end) {
        p.phase[p.nphases++] = wfisleep_phase{kind, flags, end};
    };
    const uint64_t a = t0 + rng() % (60 * kUs);
    const uint64_t b = a + rng() % (60 * kUs);
    const uint64_t c = b + rng() % (30 * kUs);
    const uint64_t d = c + rng() % (30 * kUs);
    switch (rng() % 6) {
        case 0:  // poll, then block until kicked
            add(WFISLEEP_PHASE_POLL, WFISLEEP_PHASE_YIELD, a);
            add(WFISLEEP_PHASE_SLEEP, 0, WFISLEEP_FOREVER);
            break;
        case 1:  // the adaptive deadline shape: two sleeps and a spin tail
            add(WFISLEEP_PHASE_SLEEP, 0, a);
            add(WFISLEEP_PHASE_SLEEP, 0, b);
            add(WFISLEEP_PHASE_SPIN, WFISLEEP_PHASE_YIELD, c);
            break;
        case 2:  // all of it, then block
            add(WFISLEEP_PHASE_POLL, WFISLEEP_PHASE_YIELD, a);
            add(WFISLEEP_PHASE_SLEEP, 0, b);
            add(WFISLEEP_PHASE_SLEEP, 0, c);
            add(WFISLEEP_PHASE_SPIN, WFISLEEP_PHASE_YIELD, d);
            add(WFISLEEP_PHASE_SLEEP, 0, WFISLEEP_FOREVER);
            break;
        case 3:  // a spin-only wait, then block
            add(WFISLEEP_PHASE_SPIN, WFISLEEP_PHASE_YIELD, a);
            add(WFISLEEP_PHASE_SLEEP, 0, WFISLEEP_FOREVER);
            break;
        case 4:  // the empty plan
            break;
        default:  // phases already over when they begin, then block
            add(WFISLEEP_PHASE_SLEEP, 0, t0 > 1 ? t0 - 1 : 0);
            add(WFISLEEP_PHASE_SPIN, WFISLEEP_PHASE_YIELD, t0);
            add(WFISLEEP_PHASE_SLEEP, 0, WFISLEEP_FOREVER);
            break;
    }
    return p;
}

// The waiter's clock: the real one plus an offset that grows by 40 us at
// random busy-loop steps, as if the thread had lost the CPU there, so YIELD
// phases really block on the futex. Owner thread only.
struct PreemptingClock {
    uint64_t offset = 0;
    std::minstd_rand rng{5};
    Parker parker{kLeewayKeep};

    // No local signal: a clock gap alone counts as a preemption here.
    WaitHooks hooks() { return WaitHooks{&now, &park, &sleep_until, &relax, this, nullptr}; }
    static uint64_t now(void *c) { return now_ns() + static_cast<PreemptingClock *>(c)->offset; }
    static void park(void *c, std::atomic<uint32_t> *word, uint32_t expected, uint64_t deadline) {
        auto *self = static_cast<PreemptingClock *>(c);
        const uint64_t real = deadline == WFISLEEP_FOREVER || deadline <= self->offset
                                  ? deadline
                                  : deadline - self->offset;
        self->parker.park(word, expected, real == 0 ? 1 : real);  // the real futex
    }
    static void sleep_until(void *c, uint64_t deadline) {
        const uint64_t off = static_cast<PreemptingClock *>(c)->offset;
        sleep_until_ns(deadline > off ? deadline - off : 0);
    }
    static void relax(void *c) {
        auto *self = static_cast<PreemptingClock *>(c);
        if (self->rng() % 64 == 0) {
            self->offset += 40 * kUs;
        }
    }
};

// The plan in progress, for the kicker to aim at: its phase boundaries on
// the real clock. Written by the waiter before each wait.
struct Target {
    std::atomic<uint64_t> seq{0};
    std::array<std::atomic<uint64_t>, WFISLEEP_MAX_PHASES + 1> at{};
    std::atomic<uint32_t> n{0};
};

void publish(Target &tg, const wfisleep_plan2 &p, uint64_t offset) {
    auto real = [offset](uint64_t t) { return t == WFISLEEP_FOREVER ? t : t - offset; };
    tg.at[0].store(real(p.start_ns), std::memory_order_relaxed);
    for (uint32_t i = 0; i < p.nphases; ++i) {
        tg.at[i + 1].store(real(p.phase[i].end_ns), std::memory_order_relaxed);
    }
    tg.n.store(p.nphases + 1, std::memory_order_relaxed);
    tg.seq.fetch_add(1, std::memory_order_release);
}

// Kicks near one boundary of the published plan (a few us either side), so
// over a run every boundary of every shape sees kicks just before, at and
// just after it.
void kick_near_a_boundary(Target &tg, std::minstd_rand &rng, const std::function<void()> &kick) {
    const uint32_t n = tg.n.load(std::memory_order_relaxed);
    uint64_t at = n > 0 ? tg.at[rng() % n].load(std::memory_order_relaxed) : 0;
    if (at == WFISLEEP_FOREVER) {
        at = tg.at[0].load(std::memory_order_relaxed) + 100 * kUs;
    }
    const uint64_t jitter = rng() % (4 * kUs);
    at = rng() % 2 == 0 ? at + jitter : at - jitter;
    const uint64_t limit = now_ns() + 2000 * kUs;
    while (now_ns() < at && now_ns() < limit) {
        std::atomic_signal_fence(std::memory_order_seq_cst);
    }
    kick();
}

// The waiter loops over random shapes until a wait returns kicked, then
// checks the payload the kicker wrote before that kick.
template <typename Wait>
void ping_pong(Target &tg, const char *what, Wait wait, const std::function<void()> &kick) {
    uint64_t payload = 0;  // plain: ordered only by kick -> kicked wait
    std::atomic<uint64_t> ack{0};
    std::atomic<uint64_t> progress{0};
    Watchdog dog(progress, what);
    std::thread waiter([&] {
        std::minstd_rand rng(1);
        uint64_t expect = 1;
        while (true) {
            if (!wait(rng)) {
                continue;  // ran its course: the kick (if any) is still pending
            }
            const uint64_t got = payload;
            if (got == 0) {
                return;
            }
            if (got != expect) {
                (void)fprintf(stderr, "%s: payload %llu, expected %llu\n", what,
                              static_cast<unsigned long long>(got),
                              static_cast<unsigned long long>(expect));
                std::abort();
            }
            ++expect;
            ack.store(got, std::memory_order_release);
        }
    });
    std::minstd_rand rng(2);
    const auto end = std::chrono::steady_clock::now() + kRunTime;
    uint64_t i = 0;
    while (std::chrono::steady_clock::now() < end) {
        payload = ++i;
        kick_near_a_boundary(tg, rng, kick);
        while (ack.load(std::memory_order_acquire) != i) {
            std::this_thread::yield();
        }
        progress.store(i);
    }
    payload = 0;
    kick();
    waiter.join();
    printf("%s: round trips %llu\n", what, static_cast<unsigned long long>(i));
    EXPECT_GT(i, 50u);
}

TEST(Plan2Stress, YieldBlocksTwoSleepsAndSpinTailsNeverLoseAKick) {
    Waiter w;
    PreemptingClock clk;
    const WaitHooks hooks = clk.hooks();
    w.set_hooks_for_testing(&hooks);
    Target tg;
    uint64_t yielded = 0;
    ping_pong(
        tg, "plan2 shapes (waiter)",
        [&](std::minstd_rand &rng) {
            const wfisleep_plan2 p = random_shape(rng, PreemptingClock::now(&clk));
            publish(tg, p, clk.offset);
            const WaitOutcome o = w.wait(p);
            yielded += o.preempted_ns > 0 ? 1 : 0;
            return o.kicked;
        },
        [&] { w.kick(); });
    printf("waits that saw a preemption gap: %llu\n", static_cast<unsigned long long>(yielded));
    EXPECT_GT(yielded, 0u);
}

// The same shapes through the C ABI (wait2 and the vCPU's accounting), on the
// library clock; YIELD acts only where the host really preempts the thread.
TEST(Plan2Stress, TheSameShapesThroughWait2NeverLoseAKick) {
    const char *vars[] = {"WFISLEEP_POLICY=adaptive", nullptr};
    wfisleep_config *cfg = nullptr;
    ASSERT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, wfisleep_now_ns());
    Target tg;
    ping_pong(
        tg, "plan2 shapes (wait2)",
        [&](std::minstd_rand &rng) {
            const wfisleep_plan2 p = random_shape(rng, wfisleep_now_ns());
            publish(tg, p, 0);
            wfisleep_outcome o{};
            o.size = sizeof o;
            (void)wfisleep_vcpu_wait2(v, &p, &o);
            return (o.flags & WFISLEEP_OUTCOME_KICKED) != 0;
        },
        [&] { wfisleep_vcpu_kick(v); });
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
}

}  // namespace
}  // namespace wfisleep::platform
