// sim_backend_test.cc - short simulated runs under every governor: nothing lost, everything
// labelled.
#include "backends/sim_backend.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "run.h"

namespace wfisvm {
namespace {

RunOptions options(const std::string &scenario, const std::string &governor, uint32_t vcpus = 1,
                   double seconds = 0.3) {
    RunOptions o;
    o.mode = Mode::kSimulated;
    std::string err;
    EXPECT_TRUE(parse_scenario(scenario, &o.scenario, &err)) << err;
    EXPECT_TRUE(parse_governor(governor, &o.governor, &err)) << err;
    o.governor_given = true;
    o.vcpus = vcpus;
    o.seconds = seconds;
    o.quiet = true;
    return o;
}

void expect_common(const RunResult &r, const RunOptions &o) {
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.backend, "simulated");
    EXPECT_EQ(r.guest_timer, "simulated");
    EXPECT_EQ(r.scenario, o.scenario.text);
    EXPECT_EQ(r.governor, o.governor.text);
    ASSERT_TRUE(r.lost_interrupts.has_value());
    EXPECT_EQ(*r.lost_interrupts, 0u);
    EXPECT_EQ(r.governor_stats.size(), r.vcpus);
    EXPECT_EQ(r.vcpu_cpu_pct.size(), r.vcpus);
    ASSERT_TRUE(r.host_cpu_pct.has_value());
    EXPECT_GT(*r.host_cpu_pct, 0);
    EXPECT_GE(r.wall_s, o.seconds);
    EXPECT_FALSE(r.guest_tsc_khz.has_value());  // no guest TSC here
}

// gtest names: letters, digits and '_' only.
std::string param_name(const ::testing::TestParamInfo<const char *> &p) {
    std::string n;
    for (const char *c = p.param; *c; ++c) {
        n += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
    }
    return n;
}

class SimPerGovernor : public ::testing::TestWithParam<const char *> {};

TEST_P(SimPerGovernor, IdleTicksAreAllDelivered) {
    const RunOptions o = options("idle:hz=1000", GetParam());
    RunResult r = run_simulated(o);
    expect_common(r, o);
    ASSERT_TRUE(r.timer_irqs.has_value());
    EXPECT_GT(r.timer_irqs->injected, 0u);
    EXPECT_EQ(r.timer_irqs->handled, r.timer_irqs->injected);
    EXPECT_TRUE(r.timer_lateness_us.has_value());
    EXPECT_FALSE(r.wake_latency_us.has_value());
    EXPECT_FALSE(r.work_rate.has_value());
    EXPECT_GT(r.governor_stats[0].idle_calls, 0u);
    ASSERT_TRUE(r.idle_traps.has_value());
    EXPECT_EQ(*r.idle_traps, r.governor_stats[0].idle_calls);
}

TEST_P(SimPerGovernor, PingpongRequestsAreAllAcknowledged) {
    const RunOptions o = options("pingpong:rate=2000,dist=poisson", GetParam());
    RunResult r = run_simulated(o);
    expect_common(r, o);
    ASSERT_TRUE(r.device_irqs.has_value());
    EXPECT_GT(r.device_irqs->injected, 0u);
    EXPECT_EQ(r.device_irqs->handled, r.device_irqs->injected);
    ASSERT_TRUE(r.wake_latency_us.has_value());
    // Quantiles are shown from 100 samples on (latency_dist.h).
    const auto &w = *r.wake_latency_us;
    ASSERT_TRUE(w.p50 && w.p90) << w.count << " samples";
    EXPECT_LE(*w.p50, *w.p90);
    EXPECT_LE(*w.p90, w.max);
    EXPECT_FALSE(r.timer_lateness_us.has_value());  // the pingpong guest runs without a timer
}

INSTANTIATE_TEST_SUITE_P(Governors, SimPerGovernor,
                         ::testing::Values("off", "seed:max_us=100", "seed:max_us=100,strict=1",
                                           "adaptive", "deadline", "deadline+spin:us=50", "qemu10",
                                           "qemu11", "kvm-haltpoll"),
                         param_name);

TEST(Sim, BurstChainsAreAcknowledged) {
    const RunOptions o = options("burst:len=16,think_us=200", "adaptive", 2);
    RunResult r = run_simulated(o);
    expect_common(r, o);
    ASSERT_TRUE(r.device_irqs.has_value());
    EXPECT_GT(r.device_irqs->injected, 16u);
    EXPECT_TRUE(r.wake_latency_us.has_value());
}

TEST(Sim, TicklessAndMultiVcpu) {
    const RunOptions o = options("tickless:mean_ms=2", "deadline", 3);
    RunResult r = run_simulated(o);
    expect_common(r, o);
    EXPECT_EQ(r.vcpus, 3u);
    for (const wfisleep_stats &s : r.governor_stats) EXPECT_GT(s.idle_calls, 0u);
}

TEST(Sim, ComputeReportsAWorkRateAndIgnoresVcpus) {
    const RunOptions o = options("compute:busy=1,idle=1", "adaptive", 7);
    RunResult r = run_simulated(o);
    expect_common(r, o);
    EXPECT_EQ(r.vcpus, 2u);
    ASSERT_TRUE(r.work_rate.has_value());
    EXPECT_GT(*r.work_rate, 0);
    EXPECT_EQ(r.governor_stats[0].idle_calls, 0u);  // vCPU 0 computes
    EXPECT_GT(r.governor_stats[1].idle_calls, 0u);  // vCPU 1 idles
}

TEST(Sim, BadOptionsFailWithOneLine) {
    RunOptions o = options("idle", "off");
    o.vcpus = 0;
    RunResult r = run_simulated(o);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.backend, "simulated");
    EXPECT_NE(r.error.find("simulated"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("1..64"), std::string::npos) << r.error;
    o.vcpus = 65;
    EXPECT_FALSE(run_simulated(o).ok);
    o.vcpus = 1;
    o.seconds = 0;
    r = run_simulated(o);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error.find('\n'), std::string::npos);
    o.seconds = -1;
    EXPECT_FALSE(run_simulated(o).ok);
}

}  // namespace
}  // namespace wfisvm
