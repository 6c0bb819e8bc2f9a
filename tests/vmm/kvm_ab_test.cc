// kvm_ab_test.cc - A/B in one real VM: two governors alternate in segments, and the figures
// pooled per governor show the difference built into them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "run.h"
#include "spec.h"

namespace wfisvm {
namespace {

#define SKIP_WITHOUT_KVM()                    \
    if (access("/dev/kvm", R_OK | W_OK) != 0) \
    GTEST_SKIP() << "no usable /dev/kvm on this machine: real-VM test skipped"

RunOptions ab_run(const std::string &scenario, const std::vector<std::string> &governors,
                  double seconds) {
    RunOptions o;
    o.guest_path = WFIS_GUEST_ELF;
    std::string err;
    EXPECT_TRUE(parse_scenario(scenario, &o.scenario, &err)) << err;
    for (const auto &g : governors) {
        GovernorSpec s;
        EXPECT_TRUE(parse_governor(g, &s, &err)) << err;
        o.ab_governors.push_back(s);
    }
    o.seconds = seconds;
    o.timeout_s = seconds + 20;
    o.seed = 11;
    o.quiet = true;
    return o;
}

// The two governors' results, checked for what every A/B result holds.
std::vector<RunResult> run_ab(const RunOptions &o, RunResult *whole) {
    std::vector<RunResult> ab;
    *whole = run_kvm(o, &ab);
    EXPECT_TRUE(whole->ok) << whole->error;
    EXPECT_EQ(ab.size(), o.ab_governors.size());
    double counted = 0;
    uint64_t samples = 0;
    for (size_t i = 0; i < ab.size(); i++) {
        const RunResult &r = ab[i];
        EXPECT_TRUE(r.ok) << r.governor << ": " << r.error;
        EXPECT_EQ(r.governor, o.ab_governors[i].text);
        EXPECT_TRUE(r.ab.has_value());
        if (!r.ab) continue;
        // 4 s in 250 ms segments: 16 segments, 8 per governor, minus at
        // most the last one the window may end inside.
        EXPECT_GE(r.ab->segments, 7u) << r.governor;
        EXPECT_GT(r.ab->counted_s, 7 * 0.2 * 0.9) << r.governor;
        counted += r.ab->counted_s;
        samples += r.timer_samples_ns.size();
        EXPECT_FALSE(r.host_cpu_pct.has_value());  // not split per governor
    }
    // The counted parts lie inside the window and the samples in the rings.
    if (whole->workload_s) {
        EXPECT_LE(counted, *whole->workload_s);
    }
    EXPECT_LE(samples, whole->timer_samples_ns.size());
    return ab;
}

// qemu11 wakes on its main loop's millisecond timer, so its waits return
// up to 1 ms late by construction; adaptive's return within tens of us.
TEST(KvmAb, FindsTheMillisecondTimerInsideOneVm) {
    SKIP_WITHOUT_KVM();
    RunResult whole;
    auto ab = run_ab(ab_run("idle:hz=1000", {"adaptive", "qemu11"}, 4.0), &whole);
    ASSERT_EQ(ab.size(), 2u);
    const RunResult &a = ab[0], &q = ab[1];
    // Settle time is 1/5 of each segment: most samples count.
    const size_t counted = a.timer_samples_ns.size() + q.timer_samples_ns.size();
    EXPECT_GT(counted, whole.timer_samples_ns.size() / 2);
    ASSERT_TRUE(a.timer_lateness_us && q.timer_lateness_us);
    ASSERT_TRUE(a.governor_return_late_us && q.governor_return_late_us);
    ASSERT_TRUE(a.governor_return_late_us->p50 && q.governor_return_late_us->p50);
    EXPECT_GT(*q.governor_return_late_us->p50, *a.governor_return_late_us->p50 + 200)
        << "own return p50: adaptive " << *a.governor_return_late_us->p50 << " us, qemu11 "
        << *q.governor_return_late_us->p50 << " us";
    ASSERT_TRUE(a.timer_lateness_us->p50 && q.timer_lateness_us->p50);
    EXPECT_GT(*q.timer_lateness_us->p50, *a.timer_lateness_us->p50 + 200)
        << "guest timer p50: adaptive " << *a.timer_lateness_us->p50 << " us, qemu11 "
        << *q.timer_lateness_us->p50 << " us";
    // Each governor waited in its own parts: idle traps, timer interrupts.
    for (const RunResult &r : ab) {
        EXPECT_GT(r.idle_traps.value_or(0), 100u) << r.governor;
        EXPECT_GT(r.timer_irqs ? r.timer_irqs->injected : 0, 100u) << r.governor;
        EXPECT_LE(r.idle_traps.value_or(0), whole.idle_traps.value_or(0));
    }
    EXPECT_EQ(a.governor_cpu_pct.has_value(), true);
    // Whole rounds: as many segments each, but for a last one the window
    // may end inside.
    ASSERT_TRUE(a.ab && q.ab);
    EXPECT_LE(std::max(a.ab->segments, q.ab->segments) - std::min(a.ab->segments, q.ab->segments),
              1u);
}

// Device requests are attributed to the governor whose counted part they
// were raised in.
TEST(KvmAb, SplitsDeviceLatencies) {
    SKIP_WITHOUT_KVM();
    RunResult whole;
    auto ab = run_ab(ab_run("pingpong:rate=1000", {"deadline", "qemu11"}, 4.0), &whole);
    ASSERT_EQ(ab.size(), 2u);
    ASSERT_TRUE(whole.wake_latency_us.has_value());
    uint64_t wakes = 0;
    for (const RunResult &r : ab) {
        ASSERT_TRUE(r.wake_latency_us.has_value()) << r.governor;
        EXPECT_GT(r.wake_latency_us->count, 500u) << r.governor;
        wakes += r.wake_latency_us->count;
    }
    EXPECT_LE(wakes, whole.wake_latency_us->count);
}

}  // namespace
}  // namespace wfisvm
