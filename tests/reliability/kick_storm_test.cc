// kick_storm_test.cc - several threads kick far faster than the vCPU waits (label stress).
//
// Kickers raise an "interrupt" (a sequence number, release) and kick in a
// tight loop; the vCPU thread handles new interrupts and otherwise waits with
// plans of every shape, then (second test) through the real adaptive policy
// with wfisleep_vcpu_idle. Checked: no wait is lost or stuck (watchdogs on
// both sides), a forever wait only ever returns because of a kick, kicks
// coalesce (the vCPU does at most one kicked wait per kick, so a storm cannot
// make it spin faster than it is kicked), kick() never blocks (kickers keep
// progressing), and after the storm at most one stale kick remains. The
// adaptive policy's learned values stay inside their bounds under the storm.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <thread>
#include <vector>

#include "../common/watchdog.h"
#include "config_util.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep_rel {
namespace {

using wfisleep_test::Watchdog;

constexpr auto kStormTime = std::chrono::milliseconds(2000);
constexpr unsigned kKickers = 3;

uint64_t thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

struct Storm {
    std::atomic<uint64_t> irq_seq{0};  // interrupts raised
    std::atomic<uint64_t> kicks{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    std::vector<std::atomic<uint64_t>> per_kicker = std::vector<std::atomic<uint64_t>>(kKickers);

    void start(wfisleep_vcpu *v) {
        for (unsigned k = 0; k < kKickers; ++k) {
            threads.emplace_back([this, v, k] {
                while (!stop.load(std::memory_order_relaxed)) {
                    irq_seq.fetch_add(1, std::memory_order_release);
                    wfisleep_vcpu_kick(v);
                    kicks.fetch_add(1, std::memory_order_relaxed);
                    per_kicker[k].fetch_add(1, std::memory_order_relaxed);
                }
            });
        }
    }
    void finish() {
        stop.store(true);
        for (auto &t : threads) {
            t.join();
        }
    }
};

// After the storm: at most one leftover kick, then none.
void expect_drained(wfisleep_vcpu *v) {
    const wfisleep_plan p{1, 0, 0, 0};
    int first = 0, second = 0;
    wfisleep_vcpu_wait(v, &p, &first);
    wfisleep_vcpu_wait(v, &p, &second);
    EXPECT_EQ(second, 0) << "a stale kick ended more than one wait";
}

TEST(KickStorm, WaitsOfEveryShapeAreNeverLostStuckOrWokenWithoutAKick) {
    auto cfg = make_config({"WFISLEEP_POLICY=off"});
    VcpuPtr vcpu(wfisleep_vcpu_new(cfg.get(), wfisleep_now_ns()));
    ASSERT_NE(vcpu, nullptr);
    wfisleep_vcpu *v = vcpu.get();

    Storm storm;
    std::atomic<uint64_t> waiter_progress{0};
    Watchdog dog_waiter(waiter_progress, "vCPU thread in a kick storm");
    Watchdog dog_kickers(storm.kicks, "kickers in a kick storm (kick() blocked?)");
    storm.start(v);

    std::minstd_rand rng(7);
    uint64_t seen = 0, handled = 0, waits = 0, kicked_waits = 0, forever_waits = 0;
    const uint64_t cpu0 = thread_cpu_ns();
    const auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t0 < kStormTime) {
        const uint64_t s = storm.irq_seq.load(std::memory_order_acquire);
        if (s != seen) {  // has work: the guest would take the interrupt
            seen = s;
            ++handled;
        }
        // Waits even with work pending half of the time, so stale kicks and
        // kicks racing the has-work check both happen.
        if (s == seen || rng() % 2 == 0) {
            wfisleep_plan p{};
            bool forever = false;
            switch (rng() % 5) {
                case 0:
                    p = {0, WFISLEEP_FOREVER, 0, 0};
                    forever = true;
                    break;
                case 1:
                    p = {2000, WFISLEEP_FOREVER, 0, 0};
                    forever = true;
                    break;
                case 2:
                    p = {0, 50000, 2000, 0};
                    break;
                case 3:
                    p = {0, 0, 2000, 0};
                    break;
                default:
                    p = {0, 20000, 0, 1};  // strict: kick stays pending
                    break;
            }
            int kicked = 0;
            wfisleep_vcpu_wait(v, &p, &kicked);
            ++waits;
            kicked_waits += static_cast<uint64_t>(kicked);
            if (forever) {
                ++forever_waits;
                ASSERT_EQ(kicked, 1) << "a forever wait returned without a kick";
            }
        }
        waiter_progress.fetch_add(1, std::memory_order_relaxed);
    }
    const uint64_t cpu_ns = thread_cpu_ns() - cpu0;
    storm.finish();
    expect_drained(v);

    const uint64_t kicks = storm.kicks.load();
    const wfisleep_stats st = stats_of(v);
    std::printf(
        "storm: kicks=%llu waits=%llu kicked=%llu forever=%llu handled=%llu "
        "vcpu_cpu=%.0f ms (report only)\n",
        static_cast<unsigned long long>(kicks), static_cast<unsigned long long>(waits),
        static_cast<unsigned long long>(kicked_waits),
        static_cast<unsigned long long>(forever_waits), static_cast<unsigned long long>(handled),
        static_cast<double>(cpu_ns) / 1e6);
    for (unsigned k = 0; k < kKickers; ++k) {
        EXPECT_GT(storm.per_kicker[k].load(), 0u) << "kicker " << k << " never completed a kick";
    }
    // A storm: many more kicks than kicked waits (they coalesce), and never
    // more kicked waits than kicks.
    EXPECT_GT(kicks, kicked_waits);
    EXPECT_LE(st.kicks, kicks);
    EXPECT_GE(st.kicks, kicked_waits);  // + at most the drain wait's one
    EXPECT_LE(st.kicks, kicked_waits + 1);
    EXPECT_GT(forever_waits, 10u);
    EXPECT_GT(handled, 10u);
}

TEST(KickStorm, AdaptiveIdleUnderStormReturnsAndKeepsLearnedValuesInBounds) {
    auto cfg = make_config({"WFISLEEP_POLICY=adaptive"});
    VcpuPtr vcpu(wfisleep_vcpu_new(cfg.get(), wfisleep_now_ns()));
    ASSERT_NE(vcpu, nullptr);
    wfisleep_vcpu *v = vcpu.get();

    Storm storm;
    std::atomic<uint64_t> waiter_progress{0};
    Watchdog dog_waiter(waiter_progress, "adaptive idle() in a kick storm");
    storm.start(v);
    std::minstd_rand rng(11);
    uint64_t seen = 0, calls = 0;
    const auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t0 < kStormTime) {
        const uint64_t s = storm.irq_seq.load(std::memory_order_acquire);
        const int has_work = s != seen ? 1 : 0;
        seen = s;
        uint64_t deadline = WFISLEEP_NO_DEADLINE;  // timer masked: until kicked
        switch (rng() % 3) {
            case 0:
                deadline = wfisleep_now_ns() + 200000;
                break;
            case 1:
                deadline = wfisleep_now_ns() + 5000;
                break;
            default:
                break;
        }
        wfisleep_vcpu_idle(v, has_work, deadline);
        ++calls;
        waiter_progress.fetch_add(1, std::memory_order_relaxed);
    }
    storm.finish();
    // With the storm over, a forever wait must still end on one more kick.
    std::thread late([v] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        wfisleep_vcpu_kick(v);
    });
    wfisleep_vcpu_idle(v, 0, WFISLEEP_NO_DEADLINE);
    late.join();

    const wfisleep_stats st = stats_of(v);
    std::printf(
        "adaptive storm: kicks=%llu idle calls=%llu kicked=%llu advance=%llu ns "
        "poll window=%llu ns\n",
        static_cast<unsigned long long>(storm.kicks.load()), static_cast<unsigned long long>(calls),
        static_cast<unsigned long long>(st.kicks), static_cast<unsigned long long>(st.advance_ns),
        static_cast<unsigned long long>(st.poll_window_ns));
    EXPECT_EQ(st.idle_calls, calls + 1);
    EXPECT_LE(st.kicks, storm.kicks.load() + 1);
    // Defaults documented in docs/adaptive.md (advance_max 2 ms, poll_max 200 us).
    EXPECT_LE(st.advance_ns, 2000000u);
    EXPECT_LE(st.poll_window_ns, 200000u);
}

}  // namespace
}  // namespace wfisleep_rel
