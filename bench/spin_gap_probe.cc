// spin_gap_probe.cc - measures the clock gaps a busy loop sees on this machine, and whether the
// thread's own run-queue delay (platform/run_delay.h) explains them: the numbers behind
// WFISLEEP_ADAPTIVE_PREEMPT_GAP_NS (docs/adaptive.md). Reported, not asserted.
//
//   wfisleep_spin_gap_probe [seconds per run, default 3]
//
// Runs three busy loops of that length: alone, with a CPU hog pinned to the
// same core (local preemption), and alone again. Each loop reads the library
// clock as the waiter's spin does; at every gap above 2 us it reads the
// thread's run delay and calls the gap confirmed when the delay grew by at
// least half the gap since the previous read. Also prints what one read of
// the run delay costs.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "platform/clock.h"
#include "platform/cpu_relax.h"
#include "platform/run_delay.h"

namespace {

using wfisleep::platform::now_ns;
using wfisleep::platform::read_run_delay;
using wfisleep::platform::RunDelaySample;
using wfisleep::platform::RunDelaySource;

constexpr uint64_t kBucketsUs[] = {2, 5, 10, 20, 30, 50, 100, 200, 500, 1000, 5000};
constexpr size_t kBuckets = sizeof kBucketsUs / sizeof kBucketsUs[0];

struct Result {
    uint64_t iterations = 0;
    uint64_t above[kBuckets] = {};      // gaps above each bound
    uint64_t confirmed[kBuckets] = {};  // ... of which the run delay explains
    uint64_t max_gap_ns = 0;
    uint64_t max_unconfirmed_ns = 0;
};

void pin_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    (void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

bool confirms(const RunDelaySample &a, const RunDelaySample &b, uint64_t gap) {
    if (a.source == RunDelaySource::schedstat && b.source == RunDelaySource::schedstat) {
        return b.value > a.value && b.value - a.value >= gap / 2;
    }
    return a.source == RunDelaySource::involuntary_switches && b.value > a.value;
}

Result spin_for(uint64_t ns) {
    Result r;
    RunDelaySample last = read_run_delay();
    const uint64_t start = now_ns();
    uint64_t prev = start;
    for (;;) {
        const uint64_t t = now_ns();
        ++r.iterations;
        const uint64_t gap = t - prev;
        if (gap > 2000) {
            const RunDelaySample cur = read_run_delay();
            const bool ok = confirms(last, cur, gap);
            last = cur;
            r.max_gap_ns = std::max(r.max_gap_ns, gap);
            if (!ok) {
                r.max_unconfirmed_ns = std::max(r.max_unconfirmed_ns, gap);
            }
            for (size_t i = 0; i < kBuckets; ++i) {
                if (gap > kBucketsUs[i] * 1000) {
                    ++r.above[i];
                    r.confirmed[i] += ok ? 1 : 0;
                }
            }
            prev = now_ns();  // the read itself is not a gap
            continue;
        }
        if (t - start >= ns) {
            break;
        }
        prev = t;
        wfisleep::platform::cpu_relax();
    }
    return r;
}

void print(const char *what, const Result &r, uint64_t ns) {
    std::printf("%s: %.1f M iterations in %.1f s (%.0f ns each)\n", what,
                static_cast<double>(r.iterations) / 1e6, static_cast<double>(ns) / 1e9,
                static_cast<double>(ns) / static_cast<double>(r.iterations));
    std::printf("  gap above (us):");
    for (uint64_t b : kBucketsUs) std::printf(" %6" PRIu64, b);
    std::printf("\n  gaps          :");
    for (size_t i = 0; i < kBuckets; ++i) std::printf(" %6" PRIu64, r.above[i]);
    std::printf("\n  run-delay conf:");
    for (size_t i = 0; i < kBuckets; ++i) std::printf(" %6" PRIu64, r.confirmed[i]);
    std::printf("\n  largest gap %.1f us, largest unconfirmed %.1f us\n",
                static_cast<double>(r.max_gap_ns) / 1e3,
                static_cast<double>(r.max_unconfirmed_ns) / 1e3);
}

}  // namespace

int main(int argc, char **argv) {
    const double secs = argc > 1 ? std::atof(argv[1]) : 3.0;
    const auto ns = static_cast<uint64_t>(secs * 1e9);
    pin_to(0);
    const RunDelaySample s = read_run_delay();
    const char *src = s.source == RunDelaySource::schedstat ? "schedstat (ns)"
                      : s.source == RunDelaySource::involuntary_switches
                          ? "getrusage involuntary switches"
                          : "none";
    constexpr int kReads = 20000;
    const uint64_t t0 = now_ns();
    for (int i = 0; i < kReads; ++i) (void)read_run_delay();
    const uint64_t t1 = now_ns();
    std::printf("local signal: %s; one read costs %.2f us\n", src,
                static_cast<double>(t1 - t0) / kReads / 1e3);

    print("alone", spin_for(ns), ns);
    std::atomic<bool> stop{false};
    std::thread hog([&] {
        pin_to(0);
        while (!stop.load(std::memory_order_relaxed)) {
        }
    });
    print("with a hog on the same core", spin_for(ns), ns);
    stop = true;
    hog.join();
    print("alone again", spin_for(ns), ns);
    return 0;
}
