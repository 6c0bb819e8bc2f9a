// cli_test.cc - wfisleep-vm end to end: a real run's JSON on stdout, and the simulated backend's
// labelling.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "run.h"

namespace {

struct Output {
    int code = -1;
    std::string out;  // stdout
};

Output run_stdout(const std::string &args) {
    std::string cmd = std::string(WFISLEEP_VM) + " " + args + " 2>/dev/null";
    Output o;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) return o;
    std::array<char, 4096> buf;
    while (fgets(buf.data(), buf.size(), p)) o.out += buf.data();
    int st = pclose(p);
    o.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return o;
}

TEST(Cli, RealRunWritesTheJsonContract) {
    if (access("/dev/kvm", R_OK | W_OK) != 0)
        GTEST_SKIP() << "no usable /dev/kvm on this machine: real-VM test skipped";
    Output o =
        run_stdout(std::string("--guest ") + WFIS_GUEST_ELF +
                   " --seconds 1 --scenario idle:hz=100 --governor deadline --vcpus 2 --json -");
    ASSERT_EQ(o.code, 0) << o.out;
    wfisvm::RunResult r;
    std::string err;
    ASSERT_TRUE(wfisvm::parse_run_result_json(o.out, &r, &err)) << err << "\n" << o.out;
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.backend, "kvm");
    EXPECT_EQ(r.governor, "deadline");
    EXPECT_EQ(r.scenario, "idle:hz=100");
    EXPECT_EQ(r.vcpus, 2u);
    EXPECT_EQ(r.vcpu_cpu_pct.size(), 2u);
    EXPECT_EQ(r.governor_stats.size(), 2u);
    EXPECT_EQ(r.lost_interrupts, 0u);
    EXPECT_EQ(r.guest_timer, "pv");
    EXPECT_GT(r.wall_s, 0.9);
}

// The guest arms its timer and spins with interrupts enabled, never halting:
// each of its 50 ticks must be fired by the host while the vCPU is inside
// KVM_RUN (the per-vCPU exit timer), none by an idle trap.
TEST(Cli, TimerFiresWhileTheGuestSpins) {
    if (access("/dev/kvm", R_OK | W_OK) != 0)
        GTEST_SKIP() << "no usable /dev/kvm on this machine: real-VM test skipped";
    for (const char *gov : {"off", "adaptive"}) {
        Output o =
            run_stdout(std::string("--guest ") + HOSTILE_DIR +
                       "/spin_timer.elf --seconds 1 --timeout 10 --json - --governor " + gov);
        ASSERT_EQ(o.code, 0) << o.out;
        wfisvm::RunResult r;
        std::string err;
        ASSERT_TRUE(wfisvm::parse_run_result_json(o.out, &r, &err)) << err;
        EXPECT_EQ(r.idle_traps, 0u);
        ASSERT_TRUE(r.timer_irqs.has_value());
        EXPECT_EQ(r.timer_irqs->injected, 50u);
        EXPECT_EQ(r.lost_interrupts, 0u);
    }
}

TEST(Cli, AbRunWritesOneObjectPerGovernor) {
    if (access("/dev/kvm", R_OK | W_OK) != 0)
        GTEST_SKIP() << "no usable /dev/kvm on this machine: real-VM test skipped";
    Output o = run_stdout(std::string("--guest ") + WFIS_GUEST_ELF +
                          " --seconds 1 --scenario idle:hz=500 --governor deadline --governor "
                          "adaptive --segment-ms 100 --settle-ms 20 --json -");
    ASSERT_EQ(o.code, 0) << o.out;
    std::vector<wfisvm::RunResult> rs;
    size_t at = 0;
    while (at < o.out.size()) {
        size_t nl = o.out.find('\n', at);
        if (nl == std::string::npos) nl = o.out.size();
        wfisvm::RunResult r;
        std::string err;
        ASSERT_TRUE(wfisvm::parse_run_result_json(o.out.substr(at, nl - at), &r, &err)) << err;
        rs.push_back(r);
        at = nl + 1;
    }
    ASSERT_EQ(rs.size(), 2u) << o.out;
    EXPECT_EQ(rs[0].governor, "deadline");
    EXPECT_EQ(rs[1].governor, "adaptive");
    for (const auto &r : rs) {
        EXPECT_TRUE(r.ok) << r.error;
        ASSERT_TRUE(r.ab.has_value());
        EXPECT_EQ(r.ab->segment_ms, 100u);
        EXPECT_EQ(r.ab->settle_ms, 20u);
        EXPECT_GE(r.ab->segments, 4u);
        EXPECT_EQ(r.ab->governors, (std::vector<std::string>{"deadline", "adaptive"}));
        EXPECT_FALSE(r.host_cpu_pct.has_value());
    }
}

TEST(Cli, SimulatedRunsAreLabelled) {
    Output o = run_stdout("--mode simulated --seconds 0.3 --scenario idle:hz=250 --json -");
    ASSERT_EQ(o.code, 0) << o.out;
    wfisvm::RunResult r;
    std::string err;
    ASSERT_TRUE(wfisvm::parse_run_result_json(o.out, &r, &err)) << err << "\n" << o.out;
    EXPECT_EQ(r.backend, "simulated");
    o = run_stdout("--mode simulated --seconds 0.3");
    EXPECT_NE(o.out.find("SIMULATED"), std::string::npos) << o.out;
}

}  // namespace
