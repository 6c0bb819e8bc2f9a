// ab_group_test.cc - --in-vm-ab: which runs share a VM, the segment lengths, the VM's command line.
#include "ab_group.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "matrix.h"
#include "run.h"

using namespace wfisbench;

namespace {

HostFacts kvm_host() {
    HostFacts h;
    h.kvm = h.vm = h.guest = true;
    h.vm_path = "/x/wfisleep-vm";
    h.guest_path = "/x/guest.elf";
    return h;
}

}  // namespace

TEST(BenchAbGroup, OurGovernorsShareAVmPerBlockAndScenario) {
    Options o;
    o.scenarios = {"idle:hz=1000", "pingpong:rate=2000", "compute:busy=1,idle=1"};
    o.governors = {"adaptive", "deadline", "qemu11", "deadline+spin:us=match"};
    o.repeat = 3;
    o.peers = true;
    o.in_vm_ab = true;
    Matrix m = build_matrix(o, kvm_host());
    std::map<int, std::set<std::pair<int, std::string>>> where;  // group -> (block, scenario)
    std::map<int, std::set<std::string>> who;
    for (const auto &p : m.runs) {
        const bool ours = !p.peer && p.governor != "deadline+spin:us=match" &&
                          p.scenario.rfind("compute", 0) != 0;
        EXPECT_EQ(p.ab_group >= 0, ours) << p.scenario << " / " << p.governor;
        if (p.ab_group < 0) continue;
        where[p.ab_group].insert({p.repeat, p.scenario});
        who[p.ab_group].insert(p.governor);
    }
    // Two scenarios x three blocks, each group one block and scenario with
    // the three governors.
    EXPECT_EQ(where.size(), 6u);
    for (const auto &[g, w] : where) EXPECT_EQ(w.size(), 1u) << g;
    for (const auto &[g, w] : who)
        EXPECT_EQ(w, (std::set<std::string>{"adaptive", "deadline", "qemu11"})) << g;
}

TEST(BenchAbGroup, OffWhenRefusedAndNoGroupOfOne) {
    Options o;
    o.scenarios = {"idle:hz=1000"};
    o.governors = {"adaptive", "deadline"};
    o.repeat = 2;
    o.in_vm_ab = false;
    for (const auto &p : build_matrix(o, kvm_host()).runs) EXPECT_EQ(p.ab_group, -1);
    o.in_vm_ab = true;
    o.governors = {"adaptive"};
    for (const auto &p : build_matrix(o, kvm_host()).runs) EXPECT_EQ(p.ab_group, -1);
    HostFacts no_kvm = kvm_host();
    no_kvm.kvm = false;  // simulated runs cannot alternate
    o.governors = {"adaptive", "deadline"};
    for (const auto &p : build_matrix(o, no_kvm).runs) EXPECT_EQ(p.ab_group, -1);
}

TEST(BenchAbGroup, SegmentsFitShortRuns) {
    EXPECT_EQ(ab_segment_ms(1.0), 250u);
    EXPECT_EQ(ab_settle_ms(1.0), 50u);
    EXPECT_EQ(ab_segment_ms(0.3), 150u);  // two segments per governor
    EXPECT_EQ(ab_settle_ms(0.3), 30u);
    EXPECT_EQ(ab_segment_ms(0.01), 10u);  // wfisleep-vm's smallest
}

TEST(BenchAbGroup, OneVmCommandForTheGroup) {
    VmSetup s{"/x/vm", "/x/g.elf", "/tmp"};
    std::vector<RunPlan> plans(3);
    const char *govs[] = {"adaptive", "seed:max_us=100,grace_ms=0", "deadline"};
    for (size_t i = 0; i < plans.size(); i++) {
        plans[i].scenario = "idle:hz=1000";
        plans[i].governor = plans[i].vm_governor = govs[i];
        plans[i].seconds = 1;
        plans[i].seed = 9;
    }
    auto a = vm_ab_command(plans, s, "/tmp/r.json", "/tmp/r.samples");
    std::vector<std::string> given;
    for (size_t i = 0; i + 1 < a.size(); i++)
        if (a[i] == "--governor") given.push_back(a[i + 1]);
    EXPECT_EQ(given, (std::vector<std::string>{govs[0], govs[1], govs[2]}));
    auto value = [&](const std::string &flag) {
        auto it = std::find(a.begin(), a.end(), flag);
        return it == a.end() || it + 1 == a.end() ? std::string() : *(it + 1);
    };
    // Each governor about its own second, and one segment more.
    EXPECT_EQ(value("--seconds"), "3.25");
    EXPECT_EQ(value("--segment-ms"), "250");
    EXPECT_EQ(value("--settle-ms"), "50");
    EXPECT_EQ(value("--seed"), "9");
}

TEST(BenchAbGroup, SharedVmRunsCountTheirOwnPollAndSpin) {
    wfisvm::RunResult v;
    v.backend = "kvm";
    v.scenario = "idle:hz=1000";
    v.governor = "adaptive";
    v.ok = true;
    v.lost_interrupts = 0;
    wfisleep_stats st{};
    st.poll_ns = 900000;  // the whole VM's, uncounted parts included
    v.governor_stats = {st};
    v.timer_irqs = wfisvm::IrqCounts{400, 400};
    v.ab = wfisvm::AbInfo{250, 50, 4, 0.8, 120000, {"adaptive", "deadline"}};
    RunResult r;
    std::string err;
    ASSERT_TRUE(parse_vm_json(wfisvm::run_result_json(v), &r, &err)) << err;
    // Poll + spin over the same counted parts as the timer interrupts.
    EXPECT_EQ(r.governor_poll_spin_ns, 120000u);
    ASSERT_TRUE(r.in_vm_ab.has_value());
    EXPECT_EQ(r.in_vm_ab->segments, 4u);
    EXPECT_EQ(r.in_vm_ab->governors, (std::vector<std::string>{"adaptive", "deadline"}));

    v.ab.reset();  // a fresh VM: the stats, as before
    ASSERT_TRUE(parse_vm_json(wfisvm::run_result_json(v), &r, &err)) << err;
    EXPECT_EQ(r.governor_poll_spin_ns, 900000u);
}
