// kick_stress_test.cc - kick/wait interleavings under load (label stress; run it under TSan too).
//
// Property: a kick is never lost and publishes what the kicker wrote before
// it. A lost kick leaves the waiter blocked in a FOREVER sleep; the watchdog
// then fails the test instead of letting it hang.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

#include "../common/watchdog.h"
#include "platform/clock.h"
#include "platform/waiter.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {
namespace {

constexpr auto kRunTime = std::chrono::milliseconds(1500);
using wfisleep_test::Watchdog;

// A random plan shape: mostly FOREVER sleeps (only a kick ends them), also
// poll-then-sleep, short timed sleeps and spins, and the empty plan.
wfisleep_plan random_plan(std::minstd_rand &rng) {
    switch (rng() % 6) {
        case 0:
            return {0, WFISLEEP_FOREVER, 0, 0};
        case 1:
            return {rng() % 3000, WFISLEEP_FOREVER, 0, 0};
        case 2:
            return {0, rng() % 20000, rng() % 2000, 0};
        case 3:
            return {rng() % 2000, 0, rng() % 2000, 0};
        case 4:
            return {0, 0, 0, 0};
        default:
            return {rng() % 1000, rng() % 5000, rng() % 1000, 0};
    }
}

// Ping-pong: the kicker writes a plain payload, kicks, and waits for the
// acknowledgement. The waiter's only signal is the kick: it reads the payload
// after a wait that returned "kicked" (TSan checks the kick's release/acquire).
TEST(KickStress, PingPongNeverLosesAKickAndPublishesThePayload) {
    Waiter w;
    uint64_t payload = 0;  // plain: ordered only by kick -> kicked wait
    std::atomic<uint64_t> ack{0};
    std::atomic<uint64_t> progress{0};
    Watchdog dog(progress, "ping-pong");

    std::thread waiter([&] {
        std::minstd_rand rng(1);
        uint64_t expect = 1;
        while (true) {
            const WaitOutcome o = w.wait(random_plan(rng), now_ns());
            if (!o.kicked) {
                continue;  // timed out or empty plan: the kick stays pending
            }
            const uint64_t got = payload;
            if (got == 0) {
                return;  // stop signal
            }
            if (got != expect) {
                (void)fprintf(stderr, "payload %llu, expected %llu\n",
                              static_cast<unsigned long long>(got),
                              static_cast<unsigned long long>(expect));
                std::abort();
            }
            ++expect;
            ack.store(got, std::memory_order_release);
        }
    });

    const auto end = std::chrono::steady_clock::now() + kRunTime;
    std::minstd_rand rng(2);
    uint64_t i = 0;
    while (std::chrono::steady_clock::now() < end) {
        ++i;
        payload = i;
        // Sometimes kick at once, sometimes let the waiter get deeper first.
        for (uint32_t spin = rng() % 64; spin > 0; --spin) {
            std::atomic_signal_fence(std::memory_order_seq_cst);
        }
        w.kick();
        while (ack.load(std::memory_order_acquire) != i) {
            std::this_thread::yield();
        }
        progress.store(i);
    }
    payload = 0;
    w.kick();
    waiter.join();
    RecordProperty("round_trips", std::to_string(i));
    printf("ping-pong round trips: %llu\n", static_cast<unsigned long long>(i));
    EXPECT_GT(i, 100u);
}

// Several kickers hammer one waiter without waiting; the waiter counts wakes.
// Afterwards one final kick must still end a FOREVER wait.
TEST(KickStress, ConcurrentKickersThenAFinalKickIsNeverLost) {
    Waiter w;
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> progress{0};
    Watchdog dog(progress, "concurrent kickers");
    std::vector<std::thread> kickers;
    kickers.reserve(3);
    for (int k = 0; k < 3; ++k) {
        kickers.emplace_back([&, k] {
            std::minstd_rand rng(static_cast<unsigned>(10 + k));
            while (!stop.load(std::memory_order_relaxed)) {
                w.kick();
                if (rng() % 8 == 0) {
                    std::this_thread::yield();
                }
            }
        });
    }
    std::minstd_rand rng(3);
    const auto end = std::chrono::steady_clock::now() + kRunTime;
    uint64_t waits = 0;
    while (std::chrono::steady_clock::now() < end) {
        w.wait(random_plan(rng), now_ns());
        progress.store(++waits);
    }
    stop.store(true);
    for (auto &t : kickers) {
        t.join();
    }
    // Drain any pending kick, then one more kick from another thread must
    // end a FOREVER wait.
    w.wait({0, 0, 1, 0}, now_ns());
    std::thread last([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        w.kick();
    });
    EXPECT_TRUE(w.wait({0, WFISLEEP_FOREVER, 0, 0}, now_ns()).kicked);
    last.join();
    printf("waits under concurrent kicks: %llu\n", static_cast<unsigned long long>(waits));
    EXPECT_GT(waits, 100u);
}

// Through the C ABI: idle() with the adaptive policy and no deadline (poll,
// then block until kicked) against a kicker that posts work.
TEST(KickStress, AdaptiveIdleWithoutDeadlineIsAlwaysWoken) {
    const char *vars[] = {"WFISLEEP_POLICY=adaptive", nullptr};
    wfisleep_config *cfg = nullptr;
    ASSERT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, wfisleep_now_ns());
    std::atomic<uint64_t> posted{0};
    std::atomic<uint64_t> handled{0};
    std::atomic<uint64_t> progress{0};
    Watchdog dog(progress, "adaptive idle");
    std::thread vcpu([&] {
        uint64_t seen = 0;
        while (true) {
            const uint64_t p = posted.load(std::memory_order_acquire);
            if (p == UINT64_MAX) {
                return;
            }
            if (p != seen) {
                seen = p;
                handled.store(p, std::memory_order_release);
                continue;
            }
            wfisleep_vcpu_idle(v, 0, WFISLEEP_NO_DEADLINE);
        }
    });
    const auto end = std::chrono::steady_clock::now() + kRunTime;
    uint64_t i = 0;
    while (std::chrono::steady_clock::now() < end) {
        posted.store(++i, std::memory_order_release);
        wfisleep_vcpu_kick(v);
        while (handled.load(std::memory_order_acquire) != i) {
            std::this_thread::yield();
        }
        progress.store(i);
    }
    posted.store(UINT64_MAX, std::memory_order_release);
    wfisleep_vcpu_kick(v);
    vcpu.join();
    printf("adaptive idle round trips: %llu\n", static_cast<unsigned long long>(i));
    EXPECT_GT(i, 100u);
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
}

}  // namespace
}  // namespace wfisleep::platform
