// trap_begin_stress_test.cc - the trap_begin protocol and concurrent stats under load (label
// stress; run under TSan).
//
// Property: with trap_begin before the has_work sample, no wait blocks while
// work is pending whose kick was discarded. Work comes in two kinds, like
// QEMU's (an interrupt, or a stop request / queued work), each set before its
// kick, and the kicker sends the next item only once the last was handled.
// The vCPU waits FOREVER whenever has_work is false, so a discarded kick
// whose work has_work missed hangs both, and the watchdog fails the test.
// The vCPU does a little work of random length between trap_begin and the
// has_work sample (as a VMM does), which widens the window a wrong order
// would expose: sampling has_work first makes this test fail within seconds.
// A reader thread copies the stats all the while (TSan: no race).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "../common/watchdog.h"
#include "test_vcpu.h"
#include "wfisleep/wfisleep.h"

namespace {

constexpr auto kRunTime = std::chrono::milliseconds(1500);
using wfisleep_test::Watchdog;

TEST(TrapBeginStress, NoWaitBlocksWithWorkWhoseKickWasDiscarded) {
    wfisleep::test::TestVcpu c("WFISLEEP_POLICY=adaptive");
    std::atomic<bool> irq{false};
    std::atomic<bool> stop_request{false};
    std::atomic<uint64_t> handled{0};
    std::atomic<bool> done{false};
    Watchdog dog(handled, "trap_begin vCPU");

    std::thread vcpu([&] {
        std::minstd_rand jitter(11);
        while (!done.load(std::memory_order_acquire)) {
            wfisleep_vcpu_trap_begin(c.v);
            for (uint32_t n = jitter() % 256; n > 0; --n) {
                std::atomic_signal_fence(std::memory_order_seq_cst);
            }
            // has_work covers both reasons the kicker kicks for.
            const bool a = irq.exchange(false, std::memory_order_acq_rel);
            const bool b = stop_request.exchange(false, std::memory_order_acq_rel);
            if (a || b) {
                handled.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            wfisleep_vcpu_idle(c.v, 0, WFISLEEP_NO_DEADLINE);  // only a kick ends it
        }
    });

    std::atomic<bool> reading{true};
    uint64_t reads = 0;
    std::thread reader([&] {
        uint64_t last_calls = 0;
        while (reading.load(std::memory_order_relaxed)) {
            const wfisleep_stats s = c.stats();
            EXPECT_GE(s.idle_calls, last_calls);  // counters never go back
            last_calls = s.idle_calls;
            ++reads;
        }
    });

    std::minstd_rand rng(7);
    const auto end = std::chrono::steady_clock::now() + kRunTime;
    uint64_t sent = 0;
    while (std::chrono::steady_clock::now() < end) {
        const uint64_t before = handled.load(std::memory_order_relaxed);
        for (uint32_t n = rng() % 512; n > 0; --n) {  // land anywhere in the vCPU's loop
            std::atomic_signal_fence(std::memory_order_seq_cst);
        }
        (rng() % 2 == 0 ? irq : stop_request).store(true, std::memory_order_release);
        wfisleep_vcpu_kick(c.v);
        ++sent;
        while (handled.load(std::memory_order_relaxed) == before) {
            std::this_thread::yield();
        }
    }
    done.store(true, std::memory_order_release);
    wfisleep_vcpu_kick(c.v);
    vcpu.join();
    reading.store(false);
    reader.join();
    const wfisleep_stats s = c.stats();
    printf(
        "work items sent %llu, handled %llu traps with work, stale kicks %llu, stats reads %llu\n",
        static_cast<unsigned long long>(sent), static_cast<unsigned long long>(handled.load()),
        static_cast<unsigned long long>(s.stale_kicks), static_cast<unsigned long long>(reads));
    EXPECT_EQ(handled.load(), sent);
    EXPECT_GT(sent, 100u);
    EXPECT_GT(reads, 0u);
}

}  // namespace
