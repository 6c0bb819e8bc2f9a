// kvm_hog_test.cc - hog=: a host process on vCPU 0's CPU delays the vCPU thread's runs, and
// adaptive does not learn that run-queue delay as timer oversleep.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "run.h"
#include "spec.h"

namespace wfisvm {
namespace {

RunResult run_idle(const std::string &scenario) {
    RunOptions o;
    o.guest_path = WFIS_GUEST_ELF;
    o.mode = Mode::kUserspace;
    std::string err;
    EXPECT_TRUE(parse_scenario(scenario, &o.scenario, &err)) << err;
    EXPECT_TRUE(parse_governor("adaptive", &o.governor, &err)) << err;
    o.seconds = 1;
    o.seed = 11;
    o.timeout_s = 30;
    o.quiet = true;
    RunResult r = run_kvm(o);
    EXPECT_TRUE(r.ok) << scenario << ": " << r.error;
    return r;
}

// Whether a thread of this process may switch itself to SCHED_FIFO (the
// hog, forked from the VMM, tries the same).
bool may_use_fifo() {
    bool ok = false;
    std::thread t([&] {
        sched_param rt{};
        rt.sched_priority = 1;
        ok = pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt) == 0;
    });
    t.join();
    return ok;
}

// Mean run-queue wait per timer interrupt, us.
double wait_per_irq_us(const RunResult &r) {
    return *r.runq_wait_pct / 100.0 * *r.workload_s * 1e6 /
           static_cast<double>(r.timer_irqs->handled);
}

TEST(KvmHog, DelaysTheVcpuThreadAndAdaptiveLearnsNoneOfItAsOversleep) {
    if (access("/dev/kvm", R_OK | W_OK) != 0)
        GTEST_SKIP() << "no usable /dev/kvm on this machine: real-VM test skipped";
    // As a normal task the hog delays the vCPU thread only when the
    // scheduler's wake-up preemption says so, which varies from run to run.
    if (!may_use_fifo())
        GTEST_SKIP() << "this process may not use SCHED_FIFO (needs root or CAP_SYS_NICE): the "
                        "hog would run as a normal task, whose run delay is not reproducible";
    const RunResult calm = run_idle("idle:hz=1000");
    const RunResult hog = run_idle("idle:hz=1000,hog=800");
    for (const RunResult *r : {&calm, &hog}) {
        ASSERT_TRUE(r->runq_wait_pct && r->workload_s && r->timer_irqs) << r->scenario;
        ASSERT_GT(r->timer_irqs->handled, 100u) << r->scenario;
    }
    // The hog's share of the CPU shows as the vCPU thread's run-queue wait.
    EXPECT_GT(*hog.runq_wait_pct, *calm.runq_wait_pct + 5) << *calm.runq_wait_pct;
    const double induced_us = wait_per_irq_us(hog) - wait_per_irq_us(calm);
    EXPECT_GT(induced_us, 50) << wait_per_irq_us(hog) << " vs " << wait_per_irq_us(calm);
    // The library tells run delay (schedstat) from timer oversleep: none of
    // its classes learned an advance near the delay the hog added.
    ASSERT_EQ(hog.governor_stats.size(), 1u);
    const wfisleep_stats &st = hog.governor_stats[0];
    ASSERT_EQ(st.advance_classes, 13u);
    const uint64_t most = *std::max_element(st.class_advance_ns, st.class_advance_ns + 13);
    EXPECT_LT(static_cast<double>(most) / 1e3, induced_us / 3) << "induced " << induced_us;
}

}  // namespace
}  // namespace wfisvm
