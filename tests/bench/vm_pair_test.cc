// vm_pair_test.cc - vms=N: the key, the per-VM seeds, and how side-by-side runs pool into one.
#include "vm_pair.h"

#include <gtest/gtest.h>

#include "canned_runs.h"
#include "scenario_match.h"
#include "summary.h"

using namespace wfisbench;

namespace {

RunResult vm(double cpu, uint64_t spin_ns, uint64_t irqs, std::vector<int32_t> samples) {
    RunResult r;
    r.ok = true;
    r.backend = Backend::kKvm;
    r.host_cpu_pct = cpu + 1;
    r.workload_cpu_pct = cpu;
    r.governor_cpu_pct = cpu / 10;
    r.governor_poll_spin_ns = spin_ns;
    r.timer_irqs_taken = irqs;
    r.lost_interrupts = 0;
    r.runq_wait_pct = cpu;
    r.wall_s = cpu / 10;
    r.vcpu_cpu_pct = {cpu / 4, cpu / 4, cpu / 4, cpu / 4};
    std::vector<int64_t> ns(samples.begin(), samples.end());
    r.timer_lateness_us = wfisvm::exact_distribution(ns);
    r.timer_samples_ns = std::move(samples);
    r.governor_return_late_us = benchtest::lat3(cpu, cpu * 2, cpu * 3);
    return r;
}

}  // namespace

TEST(VmPair, TheKeyIsTheBenchsAndLeftOutOfTheVmsSpec) {
    EXPECT_EQ(scenario_vms_key("idle:hz=250"), 1);
    EXPECT_EQ(scenario_vms_key("idle:hz=250,vcpus=4,vms=2"), 2);
    EXPECT_EQ(scenario_vms_key("idle:vms=8"), 8);
    EXPECT_EQ(scenario_vms_key("idle:vms=9"), 0);
    EXPECT_EQ(scenario_vms_key("idle:vms=0"), 0);
    EXPECT_EQ(scenario_vms_key("idle:vms=two"), 0);
    EXPECT_EQ(vm_scenario_text("idle:hz=250,vcpus=4,vms=2"), "idle:hz=250");
    EXPECT_EQ(vm_scenario_text("idle:vms=2,hz=250"), "idle:hz=250");
    // Two VMs side by side are not one VM of the same workload.
    EXPECT_FALSE(same_scenario("idle:hz=250,vms=2", "idle:hz=250"));
    EXPECT_TRUE(same_scenario("idle:hz=250,vms=2", "idle:vms=2,hz=250"));
    EXPECT_TRUE(same_scenario("idle:hz=250,vms=1", "idle:hz=250"));
}

TEST(VmPair, EachVmHasItsOwnSeedDrawnFromTheBlocks) {
    EXPECT_EQ(side_vm_seed(42, 0), 42u);
    EXPECT_NE(side_vm_seed(42, 1), 42u);
    EXPECT_NE(side_vm_seed(42, 1), side_vm_seed(42, 2));
    EXPECT_NE(side_vm_seed(42, 1), side_vm_seed(43, 1));
    EXPECT_EQ(side_vm_seed(42, 1), side_vm_seed(42, 1)) << "the same for every governor";
}

TEST(VmPair, PoolsSamplesSumsCpuAndSpinPerWakeFromTheSums) {
    RunPlan plan;
    plan.scenario = "idle:hz=250,vcpus=4,vms=2";
    plan.governor = "adaptive";
    plan.vcpus = 4;
    std::vector<int32_t> a(100, 1000), b(300, 5000);
    // VM 1: 10 us of spin per wake over 100 irqs; VM 2: 2 us over 300.
    const RunResult p =
        pool_side_by_side(plan, {vm(10, 1'000'000, 100, a), vm(30, 600'000, 300, b)});
    ASSERT_TRUE(p.ok) << p.error;
    EXPECT_EQ(p.plan.scenario, plan.scenario);
    EXPECT_DOUBLE_EQ(*p.workload_cpu_pct, 40);
    EXPECT_DOUBLE_EQ(*p.host_cpu_pct, 42);
    EXPECT_DOUBLE_EQ(*p.governor_cpu_pct, 4);
    EXPECT_DOUBLE_EQ(*p.runq_wait_pct, 20) << "the mean of two shares";
    EXPECT_DOUBLE_EQ(*p.wall_s, 3);
    EXPECT_EQ(p.vcpu_cpu_pct.size(), 8u);
    EXPECT_EQ(*p.timer_irqs_taken, 400u);
    EXPECT_EQ(*p.governor_poll_spin_ns, 1'600'000u);
    // 1.6 ms over 400 interrupts: 4 us, not the mean of 10 and 2.
    const auto groups = summarize({p});
    EXPECT_DOUBLE_EQ(groups[0].get(Metric::kSpinPerWake)->median, 4.0);
    // Samples concatenated; the distribution is theirs (p50 of 100 x 1 us
    // and 300 x 5 us is 5 us), not either VM's.
    EXPECT_EQ(p.timer_samples_ns.size(), 400u);
    ASSERT_TRUE(p.timer_lateness_us.has_value());
    EXPECT_EQ(p.timer_lateness_us->count, 400u);
    EXPECT_DOUBLE_EQ(*p.timer_lateness_us->p50, 5.0);
    EXPECT_TRUE(p.timer_lateness_us->exact);
    // No samples to pool: the larger of each percentile, marked approximate.
    ASSERT_TRUE(p.governor_return_late_us.has_value());
    EXPECT_DOUBLE_EQ(*p.governor_return_late_us->p50, 30);
    EXPECT_FALSE(p.governor_return_late_us->exact);
}

TEST(VmPair, OneFailedVmFailsThePooledRun) {
    RunPlan plan;
    plan.scenario = "idle:hz=250,vms=2";
    RunResult bad = vm(10, 0, 100, {1000});
    bad.ok = false;
    bad.error = "wfisleep-vm exited 1: boom";
    const RunResult p = pool_side_by_side(plan, {vm(10, 0, 100, {1000}), bad});
    EXPECT_FALSE(p.ok);
    EXPECT_EQ(p.error, "VM 2 of 2: wfisleep-vm exited 1: boom");
}
