// kvm_vm_test.cc - real KVM VMs (1-2 s each): boot in both modes, timers under every governor,
// devices, vCPUs, kicks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <numeric>

#include "run.h"
#include "spec.h"

namespace wfisvm {
namespace {

bool have_kvm() {
    return access("/dev/kvm", R_OK | W_OK) == 0;
}

#define REQUIRE_KVM() \
    if (!have_kvm()) GTEST_SKIP() << "no usable /dev/kvm on this machine: real-VM test skipped"

RunOptions options(const std::string &scenario, const std::string &governor, Mode mode,
                   uint32_t vcpus = 1, double seconds = 1.0) {
    RunOptions o;
    o.guest_path = WFIS_GUEST_ELF;
    o.mode = mode;
    std::string err;
    EXPECT_TRUE(parse_scenario(scenario, &o.scenario, &err)) << err;
    EXPECT_TRUE(parse_governor(governor, &o.governor, &err)) << err;
    o.vcpus = vcpus;
    o.seconds = seconds;
    o.timeout_s = seconds + 20;
    o.quiet = true;
    return o;
}

RunResult run_ok(const RunOptions &o) {
    RunResult r = run_kvm(o);
    EXPECT_TRUE(r.ok) << r.error;
    return r;
}

double vcpu_cpu(const RunResult &r) {
    double s = 0;
    for (const auto &c : r.vcpu_cpu_pct) s += c.value_or(0);
    return s;
}

TEST(KvmVm, BootsToIdleInUserspaceMode) {
    REQUIRE_KVM();
    RunResult r = run_ok(options("idle:hz=250", "adaptive", Mode::kUserspace));
    EXPECT_EQ(r.backend, "kvm");
    EXPECT_EQ(r.guest_timer, "pv");
    ASSERT_TRUE(r.timer_irqs.has_value());
    EXPECT_GT(r.timer_irqs->injected, 10u);
    EXPECT_EQ(r.timer_irqs->injected, r.timer_irqs->handled);
    EXPECT_EQ(r.lost_interrupts, 0u);
    EXPECT_GT(*r.idle_traps, 10u);
    EXPECT_TRUE(r.timer_lateness_us.has_value());
    EXPECT_TRUE(r.host_cpu_pct.has_value());
    ASSERT_EQ(r.governor_stats.size(), 1u);
    EXPECT_GT(r.governor_stats[0].idle_calls, 0u);
    ASSERT_TRUE(r.tsc_map_error_us.has_value());
    std::printf("guest TSC -> host clock mapping error at run end: %.3f us\n", *r.tsc_map_error_us);
}

// host=macos: the coalescing model lengthens the governor's sleeps, so the
// guest's ticks arrive late by about the model's share; host=linux does not.
TEST(KvmVm, HostTimerModelMakesTheGovernorsTicksLate) {
    REQUIRE_KVM();
    // 500 Hz: each sleep ~2 ms; 1000 permille capped at 1 ms -> ~1 ms late.
    RunResult mac =
        run_ok(options("idle:hz=500,host=macos,coalesce_permille=1000,"
                       "coalesce_max_us=1000",
                       "deadline", Mode::kUserspace));
    RunResult lin = run_ok(options("idle:hz=500", "deadline", Mode::kUserspace));
    ASSERT_TRUE(mac.timer_lateness_us && lin.timer_lateness_us);
    ASSERT_TRUE(mac.timer_lateness_us->p50 && lin.timer_lateness_us->p50);
    EXPECT_EQ(mac.host_timer.kind, HostTimerKind::kMacos);
    EXPECT_EQ(lin.host_timer.kind, HostTimerKind::kLinux);
    EXPECT_GE(*mac.timer_lateness_us->p50, 900.0);
    EXPECT_LT(*lin.timer_lateness_us->p50, 900.0);
    // The delay is the governor's: its own wait returns about as late, on
    // the host clock, before any VM entry. `deadline` sleeps to the deadline,
    // so nearly every wait is a sample (bounds generous for a loaded host).
    ASSERT_TRUE(mac.governor_return_late_us && lin.governor_return_late_us);
    ASSERT_TRUE(mac.governor_return_late_us->p50 && lin.governor_return_late_us->p50);
    // The model adds min(L, 1 ms) to each sleep of length L (L a little
    // under 2 ms here: the guest's own work and the exits come first).
    EXPECT_GE(*mac.governor_return_late_us->p50, 500.0);
    EXPECT_LT(*lin.governor_return_late_us->p50, 5000.0);
    // Each tick's guest-observed lateness is its wait's return lateness plus
    // injection, VM entry and the guest's handler: never less.
    EXPECT_LE(*lin.governor_return_late_us->p50, *lin.timer_lateness_us->p50);
    EXPECT_GT(lin.governor_return_late_us->count, 250u);  // ~500 ticks in the window
    EXPECT_LT(*lin.governor_return_late_us->p50, *mac.governor_return_late_us->p50);
    ASSERT_TRUE(lin.governor_return_early.has_value());
    std::printf(
        "deadline, idle 500 Hz: governor return late p50 %.1f us (macos model %.1f us), "
        "guest-observed p50 %.1f us; %llu early\n",
        *lin.governor_return_late_us->p50, *mac.governor_return_late_us->p50,
        *lin.timer_lateness_us->p50, static_cast<unsigned long long>(*lin.governor_return_early));
    const std::string j = run_result_json(mac);
    EXPECT_NE(j.find(R"("governor_return_late_us":{)"), std::string::npos) << j;
    EXPECT_NE(
        j.find(
            R"("host_timer":{"kind":"macos","max_us":1000,"permille":1000,"shape":"max","window_us":null})"),
        std::string::npos)
        << j;
}

// kicks=qemu: extra kicks on every device interrupt, kept by qemu10 and
// dropped by the library's trap_begin; nothing may be lost either way.
TEST(KvmVm, QemuKickPatternLosesNothing) {
    REQUIRE_KVM();
    for (const char *g : {"adaptive", "adaptive:trap_begin=0", "qemu10", "qemu11"}) {
        RunResult r = run_ok(options("pingpong:rate=5000,kicks=qemu", g, Mode::kUserspace, 1, 0.7));
        EXPECT_EQ(r.kicks, "qemu") << g;
        ASSERT_TRUE(r.device_irqs.has_value()) << g;
        EXPECT_GT(r.device_irqs->injected, 1000u) << g;
        EXPECT_EQ(r.device_irqs->injected, r.device_irqs->handled) << g;
        EXPECT_EQ(r.lost_interrupts, 0u) << g;
        EXPECT_NE(run_result_json(r).find(R"("kicks":"qemu")"), std::string::npos) << g;
    }
}

// Fair peers: every governor's vCPU thread waits with the same timer slack
// (the spec's slack_ns, default 1 ns), read back with prctl at its end; the
// library leaves it alone (WFISLEEP_TIMER_SLACK_NS=keep).
TEST(KvmVm, EveryGovernorsVcpuThreadHasTheSameSlack) {
    REQUIRE_KVM();
    for (const char *g :
         {"off", "seed:max_us=100", "adaptive", "deadline", "qemu10", "qemu11", "kvm-haltpoll"}) {
        RunResult r = run_ok(options("idle:hz=250", g, Mode::kUserspace, 2, 0.3));
        ASSERT_EQ(r.vcpu_timer_slack_ns.size(), 2u) << g;
        for (const auto &v : r.vcpu_timer_slack_ns) EXPECT_EQ(v, std::optional<uint64_t>(1)) << g;
    }
    RunResult r =
        run_ok(options("idle:hz=250", "adaptive:slack_ns=50000", Mode::kUserspace, 1, 0.3));
    ASSERT_EQ(r.vcpu_timer_slack_ns.size(), 1u);
    EXPECT_EQ(r.vcpu_timer_slack_ns[0], std::optional<uint64_t>(50000));
    // Under the macOS model the slack key has no effect.
    r = run_ok(
        options("idle:hz=250,host=macos", "deadline:slack_ns=50000", Mode::kUserspace, 1, 0.3));
    EXPECT_EQ(r.vcpu_timer_slack_ns[0], std::optional<uint64_t>(1));
    EXPECT_NE(run_result_json(r).find(R"("vcpu_timer_slack_ns":[1])"), std::string::npos);
}

// The scenarios G3 and G4 need: pingpong with the guest's tick running, and
// compute whose idle siblings have no tick.
TEST(KvmVm, PingpongWithATickAndComputeWithoutSiblingTicks) {
    REQUIRE_KVM();
    RunResult p =
        run_ok(options("pingpong:rate=2000,hz=250", "adaptive", Mode::kUserspace, 1, 1.0));
    ASSERT_TRUE(p.timer_lateness_us.has_value());
    EXPECT_GE(p.timer_lateness_us->count, 100u);  // ~250 ticks in 1 s
    ASSERT_TRUE(p.device_irqs.has_value());
    EXPECT_GT(p.device_irqs->injected, 200u);  // 2000/s asked; a loaded host manages less
    RunResult q = run_ok(options("pingpong:rate=2000", "adaptive", Mode::kUserspace, 1, 1.0));
    EXPECT_FALSE(q.timer_lateness_us && q.timer_lateness_us->count > 10) << "no tick by default";
    RunResult t = run_ok(options("compute:busy=1,idle=3", "adaptive", Mode::kUserspace, 4, 1.0));
    RunResult n =
        run_ok(options("compute:busy=1,idle=3,idle_hz=0", "adaptive", Mode::kUserspace, 4, 1.0));
    ASSERT_TRUE(t.timer_irqs && n.timer_irqs);
    EXPECT_GT(t.timer_irqs->injected, 1000u);  // 3 siblings at 1 kHz: ~3000
    EXPECT_LT(n.timer_irqs->injected, 50u);    // only the end-of-run timers
    EXPECT_TRUE(n.work_rate.has_value());
}

TEST(KvmVm, BootsToIdleInInkernelMode) {
    REQUIRE_KVM();
    RunOptions o = options("idle:hz=250", "adaptive", Mode::kInkernel);
    RunResult r = run_kvm(o);
    if (!r.ok && r.error.rfind("unavailable:", 0) == 0) GTEST_SKIP() << r.error;
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.backend, "inkernel");
    EXPECT_TRUE(r.guest_timer == "tsc-deadline" || r.guest_timer == "lapic-oneshot")
        << r.guest_timer;
    EXPECT_TRUE(r.timer_lateness_us.has_value());  // the guest handled LAPIC timer interrupts
    EXPECT_FALSE(r.idle_traps.has_value());        // HLT never left the kernel
    EXPECT_TRUE(r.governor_stats.empty());
    // Two vCPUs (the second starts runnable, not waiting for SIPI), with
    // halt polling set per VM.
    o.halt_poll_ns = 0;
    o.vcpus = 2;
    RunResult r2 = run_kvm(o);
    EXPECT_TRUE(r2.ok) << r2.error;
    EXPECT_EQ(r2.vcpu_cpu_pct.size(), 2u);
}

class EveryGovernor : public ::testing::TestWithParam<const char *> {};

TEST_P(EveryGovernor, DeliversTimersWithNothingLost) {
    REQUIRE_KVM();
    RunResult r = run_ok(options("idle:hz=250", GetParam(), Mode::kUserspace));
    ASSERT_TRUE(r.timer_irqs.has_value());
    EXPECT_GT(r.timer_irqs->injected, 10u) << GetParam();
    EXPECT_EQ(r.timer_irqs->injected, r.timer_irqs->handled);
    EXPECT_EQ(r.lost_interrupts, 0u);
    EXPECT_EQ(r.governor, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Governors, EveryGovernor,
                         ::testing::Values("off", "seed:max_us=100,grace_ms=0",
                                           "seed:max_us=100,grace_ms=0,strict=1", "adaptive",
                                           "deadline", "qemu10", "qemu11", "kvm-haltpoll"));

TEST(KvmVm, TicklessTimers) {
    REQUIRE_KVM();
    RunResult r = run_ok(options("tickless:mean_ms=5", "adaptive", Mode::kUserspace));
    EXPECT_GT(r.timer_irqs->injected, 5u);
    EXPECT_EQ(r.lost_interrupts, 0u);
}

TEST(KvmVm, PingpongRequestsAreAcknowledged) {
    REQUIRE_KVM();
    RunResult r = run_ok(options("pingpong:rate=1000,dist=poisson", "adaptive", Mode::kUserspace));
    ASSERT_TRUE(r.device_irqs.has_value());
    EXPECT_GT(r.device_irqs->injected, 20u);
    EXPECT_EQ(r.device_irqs->injected, r.device_irqs->handled);
    ASSERT_TRUE(r.wake_latency_us.has_value());
    EXPECT_GT(r.wake_latency_us->p50.value_or(0), 0.0);
    EXPECT_EQ(r.lost_interrupts, 0u);
}

TEST(KvmVm, PingpongInInkernelMode) {
    REQUIRE_KVM();
    RunResult r = run_kvm(options("pingpong:rate=1000,dist=fixed", "adaptive", Mode::kInkernel));
    if (!r.ok && r.error.rfind("unavailable:", 0) == 0) GTEST_SKIP() << r.error;
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_GT(r.device_irqs->handled, 20u);
    EXPECT_TRUE(r.wake_latency_us.has_value());
    EXPECT_EQ(r.lost_interrupts, 0u);
}

TEST(KvmVm, BurstChainsAreAnswered) {
    REQUIRE_KVM();
    RunResult r = run_ok(options("burst:len=8,think_us=500", "adaptive", Mode::kUserspace));
    EXPECT_GT(r.device_irqs->handled, 20u);
    EXPECT_TRUE(r.wake_latency_us.has_value());
    EXPECT_EQ(r.lost_interrupts, 0u);
}

TEST(KvmVm, ComputeReportsAWorkRate) {
    REQUIRE_KVM();
    RunResult r = run_ok(options("compute:busy=1,idle=1", "adaptive", Mode::kUserspace, 2));
    ASSERT_TRUE(r.work_rate.has_value());
    EXPECT_GT(*r.work_rate, 0.0);
    EXPECT_EQ(r.vcpu_cpu_pct.size(), 2u);
}

TEST(KvmVm, FourVcpus) {
    REQUIRE_KVM();
    RunResult r = run_ok(options("idle:hz=100", "adaptive", Mode::kUserspace, 4));
    EXPECT_EQ(r.vcpus, 4u);
    EXPECT_EQ(r.vcpu_cpu_pct.size(), 4u);
    ASSERT_EQ(r.governor_stats.size(), 4u);
    for (const auto &g : r.governor_stats) EXPECT_GT(g.idle_calls, 0u);
    EXPECT_GE(r.timer_irqs->handled, 4u * 10u);
    EXPECT_EQ(r.lost_interrupts, 0u);
}

// A sanity ratio, not a benchmark: both measured in this test, same machine.
// A 100 Hz tick: on kvm_pvm (software nested KVM) the guest's own tick
// handler is emulated at ~1.4 us per instruction, which alone costs ~25% of
// a core at 1 kHz under any governor (measured: `deadline` 27.5%); at 100 Hz
// what remains is the governor's own cost.
TEST(KvmVm, OffSpinsAtLeastFiveTimesTheCpuOfAdaptive) {
    REQUIRE_KVM();
    RunResult off = run_ok(options("idle:hz=100", "off", Mode::kUserspace));
    RunResult ada = run_ok(options("idle:hz=100", "adaptive", Mode::kUserspace));
    double c_off = vcpu_cpu(off), c_ada = vcpu_cpu(ada);
    std::printf("vCPU thread CPU: off %.1f%%, adaptive %.1f%% (ratio %.1f)\n", c_off, c_ada,
                c_ada > 0 ? c_off / c_ada : 0.0);
    // `off` never sleeps, so it gets all of a core unless other work takes
    // it. On a contended host every exit also costs several times more,
    // which inflates the sleeping governor's CPU too (seen while other builds
    // ran on this 2-core machine: off 63%, adaptive 26%), so the ratio is
    // only meaningful when the spinning vCPU had (nearly) a core to itself.
    if (c_off < 90.0)
        GTEST_SKIP() << "host too busy: the spinning vCPU got only " << c_off
                     << "% of a core, ratio not measurable";
    EXPECT_GE(c_off, 5.0 * c_ada);
}

// Device interrupts raised at 20 kHz while the guest computes with
// interrupts enabled, so nearly every kick lands while the vCPU is inside
// KVM_RUN (the guest's compute loop arms no timer: nothing else would make
// it exit). Every request must be injected and answered.
TEST(KvmVm, KicksRacingKvmRunAreNeverLost) {
    REQUIRE_KVM();
    for (const char *gov : {"off", "adaptive"}) {
        RunOptions o = options("pingpong:rate=20000,dist=poisson", gov, Mode::kUserspace);
        o.extra_cmdline = "workload=compute busy=1";
        RunResult r = run_ok(o);
        ASSERT_TRUE(r.device_irqs.has_value());
        EXPECT_GT(r.device_irqs->injected, 10u) << gov;
        std::printf("%s: %llu device interrupts injected while computing\n", gov,
                    static_cast<unsigned long long>(r.device_irqs->injected));
        EXPECT_EQ(r.device_irqs->injected, r.device_irqs->handled) << gov;
        EXPECT_EQ(r.lost_interrupts, 0u) << gov;  // includes requests never answered
    }
}

}  // namespace
}  // namespace wfisvm

namespace wfisvm {
namespace {

// The workload window spans the guest's run (seconds), not boot or report;
// every grid tick is an exact sample; governor_cpu_pct is null for the trap
// loop of off and a share of a core for a sleeping governor.
TEST(KvmVm, WorkloadWindowAndExactTicks) {
    REQUIRE_KVM();
    for (const char *gov : {"adaptive", "off"}) {
        RunResult r = run_ok(options("idle:hz=500", gov, Mode::kUserspace, 2, 0.5));
        ASSERT_TRUE(r.workload_s.has_value()) << gov;
        EXPECT_GE(*r.workload_s, 0.5) << gov;
        EXPECT_LT(*r.workload_s, 0.5 + 0.1) << gov;
        EXPECT_LT(*r.workload_s, r.wall_s) << gov;
        ASSERT_TRUE(r.workload_cpu_pct.has_value()) << gov;
        EXPECT_GT(*r.workload_cpu_pct, 0.0) << gov;
        ASSERT_TRUE(r.timer_lateness_us.has_value());
        EXPECT_TRUE(r.timer_lateness_us->exact) << gov;
        // 250 grid points per vCPU (the last one is the end-of-run timer).
        EXPECT_EQ(r.timer_lateness_us->count, 2u * 250u) << gov;
        EXPECT_EQ(r.timer_lateness_us->dropped, 0u);
        ASSERT_TRUE(r.runq_wait_pct.has_value());
        // Governor return lateness: at most one sample per deadline that
        // fired (a wait returning at or after its deadline is followed by
        // the timer's injection), window only.
        ASSERT_TRUE(r.governor_return_early.has_value()) << gov;
        ASSERT_TRUE(r.timer_irqs.has_value()) << gov;
        const uint64_t late_n = r.governor_return_late_us ? r.governor_return_late_us->count : 0;
        EXPECT_LE(late_n, r.timer_irqs->injected) << gov;
        if (std::string(gov) == "off") {
            EXPECT_FALSE(r.governor_cpu_pct.has_value());
            // off returns at once: its waits end before their deadline.
            EXPECT_GT(*r.governor_return_early, 10 * late_n) << gov;
        } else {
            ASSERT_TRUE(r.governor_cpu_pct.has_value());
            EXPECT_LT(*r.governor_cpu_pct, *r.workload_cpu_pct);
            EXPECT_GT(late_n, 100u) << gov;
        }
    }
    RunResult k = run_ok(options("idle:hz=500", "adaptive", Mode::kInkernel, 1, 0.5));
    ASSERT_TRUE(k.workload_cpu_pct.has_value());
    EXPECT_FALSE(k.governor_cpu_pct.has_value());
    EXPECT_FALSE(k.governor_return_late_us.has_value());  // KVM halts in the kernel
    EXPECT_FALSE(k.governor_return_early.has_value());
    EXPECT_TRUE(k.timer_lateness_us && k.timer_lateness_us->exact);
}

}  // namespace
}  // namespace wfisvm
