// kick_wake_bench.cc - kick-to-wake latency of a blocked (or polling) waiter, p50/p99, vs a
// condvar.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "platform/clock.h"
#include "platform/waiter.h"
#include "wfisleep/wfisleep.h"

namespace {

using wfisleep::platform::now_ns;
using wfisleep::platform::Waiter;

void report(benchmark::State &state, std::vector<uint64_t> &samples) {
    if (samples.empty()) {
        return;
    }
    std::sort(samples.begin(), samples.end());
    const auto pct = [&](double q) {
        const auto last = static_cast<double>(samples.size() - 1);
        return static_cast<double>(samples[static_cast<size_t>(q * last)]);
    };
    state.counters["p50_ns"] = pct(0.50);
    state.counters["p99_ns"] = pct(0.99);
    state.counters["samples"] = static_cast<double>(samples.size());
}

// The measuring loop shared by every variant: one round per iteration. The
// waiter gets time to reach its wait, `wake` is timed from just before it is
// called until the waiter stamps woke_at and publishes the round number.
template <typename Wake>
void measure_rounds(benchmark::State &state, const std::atomic<uint64_t> &woke_at,
                    const std::atomic<uint64_t> &round, Wake wake) {
    std::vector<uint64_t> samples;
    uint64_t r = 0;
    for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
        state.PauseTiming();
        // Let the waiter reach its blocking (or polling) phase.
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        state.ResumeTiming();
        const uint64_t t0 = now_ns();
        wake();
        ++r;
        while (round.load(std::memory_order_acquire) != r) {
            std::this_thread::yield();  // the waiter stamps its own wake time
        }
        samples.push_back(woke_at.load(std::memory_order_acquire) - t0);
    }
    report(state, samples);
}

// One round per iteration: the waiter blocks (FOREVER, or after a poll
// window), we give it time to get there, kick, and it stamps its wake time.
void kick_to_wake(benchmark::State &state, const wfisleep_plan plan) {
    Waiter w;
    std::atomic<uint64_t> woke_at{0};
    std::atomic<uint64_t> round{0};
    std::atomic<bool> stop{false};
    std::thread waiter([&] {
        uint64_t seen = 0;
        while (!stop.load()) {
            const wfisleep::platform::WaitOutcome o = w.wait(plan, now_ns());
            if (o.kicked) {
                woke_at.store(now_ns(), std::memory_order_release);
                round.store(++seen, std::memory_order_release);
            }
        }
    });
    measure_rounds(state, woke_at, round, [&] { w.kick(); });
    stop.store(true);
    w.kick();
    waiter.join();
}

void BM_KickToWake_Blocked(benchmark::State &state) {
    kick_to_wake(state, wfisleep_plan{0, WFISLEEP_FOREVER, 0, 0});
}
// Polling for 1 ms: the kick lands inside the poll window.
void BM_KickToWake_Polling(benchmark::State &state) {
    kick_to_wake(state, wfisleep_plan{1000000, WFISLEEP_FOREVER, 0, 0});
}

// Baseline: the same round trip through a mutex + condition variable.
void BM_KickToWake_CondvarBaseline(benchmark::State &state) {
    std::mutex mu;
    std::condition_variable cv;
    bool pending = false;
    bool stop = false;
    std::atomic<uint64_t> woke_at{0};
    std::atomic<uint64_t> round{0};
    std::thread waiter([&] {
        uint64_t seen = 0;
        std::unique_lock<std::mutex> lock(mu);
        while (true) {
            cv.wait(lock, [&] { return pending || stop; });
            if (stop) {
                return;
            }
            pending = false;
            woke_at.store(now_ns(), std::memory_order_release);
            round.store(++seen, std::memory_order_release);
        }
    });
    measure_rounds(state, woke_at, round, [&] {
        {
            const std::lock_guard<std::mutex> lock(mu);
            pending = true;
        }
        cv.notify_one();
    });
    {
        const std::lock_guard<std::mutex> lock(mu);
        stop = true;
    }
    cv.notify_one();
    waiter.join();
}

BENCHMARK(BM_KickToWake_CondvarBaseline)->Iterations(2000)->UseRealTime();
BENCHMARK(BM_KickToWake_Blocked)->Iterations(2000)->UseRealTime();
BENCHMARK(BM_KickToWake_Polling)->Iterations(2000)->UseRealTime();

}  // namespace
