// matrix_test.cc - interleaving order, repeat indices, peer skip reasons and the VM/QEMU command
// lines.
#include "matrix.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "qemu_runner.h"
#include "vm_runner.h"

using namespace wfisbench;

namespace {

HostFacts full_host() {
    HostFacts h;
    h.kvm = h.vm = h.guest = h.qemu = true;
    h.vm_path = "/x/wfisleep-vm";
    h.guest_path = "/x/guest.elf";
    h.qemu_path = "/usr/bin/qemu-system-x86_64";
    return h;
}

bool has(const std::vector<std::string> &v, const std::string &s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST(BenchMatrix, BlocksHoldEveryPairOnceInASeededPermutation) {
    Options o;
    o.scenarios = {"idle:hz=1000", "tickless:mean_ms=10"};
    o.governors = {"off", "adaptive", "deadline"};
    o.repeat = 4;
    o.seed = 7;
    Matrix m = build_matrix(o, full_host());
    ASSERT_EQ(m.runs.size(), 2u * 3u * 4u);
    std::vector<std::vector<std::string>> blocks(4);
    for (size_t i = 0; i < m.runs.size(); i++) {
        const RunPlan &p = m.runs[i];
        EXPECT_EQ(p.repeat, static_cast<int>(i / 6)) << i;  // blocks in order
        EXPECT_EQ(p.order, static_cast<int>(i));
        EXPECT_FALSE(p.peer);
        blocks[static_cast<size_t>(p.repeat)].push_back(p.scenario + "|" + p.governor);
    }
    std::vector<std::string> all;
    for (const auto &s : o.scenarios)
        for (const auto &g : o.governors) all.push_back(s + "|" + g);
    std::sort(all.begin(), all.end());
    int distinct = 0;
    for (size_t b = 0; b < blocks.size(); b++) {
        std::vector<std::string> sorted = blocks[b];
        std::sort(sorted.begin(), sorted.end());
        EXPECT_EQ(sorted, all) << "block " << b;
        if (b > 0 && blocks[b] != blocks[b - 1]) distinct++;
    }
    EXPECT_GT(distinct, 0);  // permuted, not the same order every block
    // The same seed gives the same order; another seed another.
    Matrix again = build_matrix(o, full_host());
    for (size_t i = 0; i < m.runs.size(); i++)
        EXPECT_EQ(again.runs[i].governor, m.runs[i].governor);
    o.seed = 8;
    Matrix other = build_matrix(o, full_host());
    bool differs = false;
    for (size_t i = 0; i < m.runs.size(); i++)
        differs = differs || other.runs[i].governor != m.runs[i].governor ||
                  other.runs[i].scenario != m.runs[i].scenario;
    EXPECT_TRUE(differs);
}

// One workload seed per block, the same for every pair in it, and a
// different one in every block (the blocks replay different arrivals).
TEST(BenchMatrix, EachBlockHasItsOwnWorkloadSeed) {
    Options o;
    o.scenarios = {"idle:hz=1000", "pingpong:rate=2000"};
    o.governors = {"off", "adaptive"};
    o.repeat = 5;
    o.seed = 3;
    Matrix m = build_matrix(o, full_host());
    std::vector<uint64_t> per_block(5, 0);
    for (const auto &p : m.runs) {
        auto &s = per_block[static_cast<size_t>(p.repeat)];
        if (s == 0) s = p.seed;
        EXPECT_EQ(p.seed, s) << p.scenario << " " << p.governor << " block " << p.repeat;
        EXPECT_EQ(p.seed, block_seed(3, p.repeat));
    }
    std::vector<uint64_t> sorted = per_block;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());
    EXPECT_NE(block_seed(3, 0), block_seed(4, 0));
    // The VM and the guest get the block's seed, not --seed.
    VmSetup s{"/x/vm", "/x/g.elf", "/tmp"};
    EXPECT_TRUE(has(vm_command(m.runs[0], s, "/tmp/r.json"), std::to_string(m.runs[0].seed)));
}

TEST(BenchMatrix, SameSecondsAndVcpusForEveryone) {
    Options o;
    o.scenarios = {"idle:hz=1000", "compute:busy=1,idle=3"};
    o.governors = {"off", "adaptive"};
    o.seconds = 2;
    o.vcpus = 2;
    o.peers = true;
    for (const auto &p : build_matrix(o, full_host()).runs) {
        EXPECT_DOUBLE_EQ(p.seconds, 2);
        EXPECT_EQ(p.vcpus, p.scenario == "idle:hz=1000" ? 2 : 4) << p.scenario;
    }
}

TEST(BenchMatrix, PeersJoinTheBlocksAndSkipWithReasons) {
    Options o;
    o.scenarios = {"idle:hz=1000", "pingpong:rate=2000", "compute:busy=1,idle=3"};
    o.governors = {"adaptive"};
    o.peers = true;
    o.repeat = 1;
    Matrix m = build_matrix(o, full_host());
    std::vector<std::string> idle_govs;
    for (const auto &p : m.runs)
        if (p.scenario == "idle:hz=1000") idle_govs.push_back(p.governor);
    std::sort(idle_govs.begin(), idle_govs.end());  // the block's order is a permutation
    EXPECT_EQ(idle_govs, (std::vector<std::string>{"adaptive", "inkernel", "inkernel:poll=0",
                                                   "qemu:irqchip=off", "qemu:irqchip=on"}));
    for (const auto &p : m.runs) {
        if (p.governor == "inkernel:poll=0") {
            ASSERT_TRUE(p.halt_poll_ns.has_value());
            EXPECT_EQ(*p.halt_poll_ns, 0u);
        }
        if (p.governor == "inkernel") {
            EXPECT_FALSE(p.halt_poll_ns.has_value());
        }
        if (p.governor == "qemu:irqchip=off") {
            EXPECT_FALSE(p.qemu_irqchip);
        }
        if (p.peer) {
            EXPECT_NE(p.backend, Backend::kKvm);
        }
    }
    // QEMU cannot run pingpong (our device), nor 4 vCPUs with irqchip=off; each has a reason.
    int qemu_skips = 0;
    for (const auto &s : m.skips) {
        EXPECT_FALSE(s.reason.empty());
        EXPECT_EQ(s.governor.rfind("qemu", 0), 0u) << s.governor;
        qemu_skips++;
        if (s.scenario == "pingpong:rate=2000") {
            EXPECT_NE(s.reason.find("device"), std::string::npos) << s.reason;
        } else {
            EXPECT_NE(s.reason.find("1 vCPU"), std::string::npos) << s.reason;
        }
    }
    EXPECT_EQ(qemu_skips, 3);
}

TEST(BenchMatrix, PeerSkipReasons) {
    HostFacts h = full_host();
    EXPECT_EQ(peer_skip_reason("inkernel", "idle:hz=1000", 1, h), "");
    EXPECT_EQ(peer_skip_reason("qemu:irqchip=on", "idle:hz=1000", 1, h), "");
    EXPECT_EQ(peer_skip_reason("qemu:irqchip=off", "compute:busy=1,idle=0", 1, h), "");
    EXPECT_NE(peer_skip_reason("qemu:irqchip=off", "idle:hz=1000", 2, h).find("1 vCPU"),
              std::string::npos);
    EXPECT_EQ(peer_skip_reason("qemu:irqchip=on", "compute:busy=1,idle=3", 1, h), "");
    EXPECT_NE(peer_skip_reason("qemu:irqchip=on", "burst", 1, h).find("device"), std::string::npos);
    // The macOS host-timer model acts on our VMM's governors only.
    for (const auto &p : peer_names())
        EXPECT_NE(peer_skip_reason(p, "idle:hz=1000,host=macos", 1, h).find("model of macOS"),
                  std::string::npos)
            << p;

    HostFacts no_kvm = h;
    no_kvm.kvm = false;
    for (const auto &p : peer_names())
        EXPECT_NE(peer_skip_reason(p, "idle:hz=1000", 1, no_kvm).find("/dev/kvm"),
                  std::string::npos);
    HostFacts no_qemu = h;
    no_qemu.qemu = false;
    no_qemu.qemu_path.clear();
    EXPECT_NE(peer_skip_reason("qemu:irqchip=on", "idle:hz=1000", 1, no_qemu)
                  .find("qemu-system-x86_64 not found"),
              std::string::npos);
    EXPECT_EQ(peer_skip_reason("inkernel", "idle:hz=1000", 1, no_qemu), "");
    HostFacts no_guest = h;
    no_guest.guest = false;
    EXPECT_NE(peer_skip_reason("inkernel", "idle:hz=1000", 1, no_guest).find("guest"),
              std::string::npos);
    HostFacts no_vm = h;
    no_vm.vm = false;
    EXPECT_NE(peer_skip_reason("inkernel", "idle:hz=1000", 1, no_vm).find("wfisleep-vm"),
              std::string::npos);
}

TEST(BenchMatrix, SeedGetsZeroGraceUnlessGiven) {
    EXPECT_EQ(vm_governor_spec("seed:max_us=100"), "seed:max_us=100,grace_ms=0");
    EXPECT_EQ(vm_governor_spec("seed"), "seed:grace_ms=0");
    EXPECT_EQ(vm_governor_spec("seed:max_us=100,grace_ms=500"), "seed:max_us=100,grace_ms=500");
    EXPECT_EQ(vm_governor_spec("adaptive"), "adaptive");
    EXPECT_EQ(vm_governor_spec("off"), "off");
}

TEST(BenchMatrix, VmCommandLines) {
    VmSetup s{"/x/vm", "/x/g.elf", "/tmp"};
    RunPlan p;
    p.seed = 42;
    p.scenario = "idle:hz=1000";
    p.governor = "seed:max_us=100";
    p.vm_governor = "seed:max_us=100,grace_ms=0";
    p.vcpus = 2;
    p.seconds = 1.5;
    auto a = vm_command(p, s, "/tmp/r.json");
    EXPECT_EQ(a[0], "/x/vm");
    EXPECT_TRUE(has(a, "--governor"));
    EXPECT_TRUE(has(a, "seed:max_us=100,grace_ms=0"));
    EXPECT_TRUE(has(a, "userspace"));
    EXPECT_TRUE(has(a, "1.5"));
    EXPECT_TRUE(has(a, "42"));
    EXPECT_TRUE(has(a, "/tmp/r.json"));
    EXPECT_TRUE(has(a, "--vcpus"));

    p.backend = Backend::kInkernel;
    p.halt_poll_ns = 0;
    p.scenario = "compute:busy=1,idle=3";
    a = vm_command(p, s, "/tmp/r.json");
    EXPECT_TRUE(has(a, "inkernel"));
    EXPECT_FALSE(has(a, "--governor"));  // wfisleep-vm: inkernel takes no governor
    EXPECT_TRUE(has(a, "--halt-poll-ns"));
    EXPECT_FALSE(has(a, "--vcpus"));  // compute sets its own vCPU count
}

TEST(BenchMatrix, QemuCommandLines) {
    std::string err;
    std::string c = qemu_guest_cmdline("idle:hz=250", 1.5, 7, 2, &err);
    EXPECT_NE(c.find("timer=lapic"), std::string::npos) << c;
    EXPECT_NE(c.find("workload=idle hz=250"), std::string::npos) << c;
    EXPECT_NE(c.find("ms=1500"), std::string::npos) << c;
    EXPECT_NE(c.find("seed=7"), std::string::npos) << c;
    EXPECT_NE(c.find("vcpus=2"), std::string::npos) << c;
    EXPECT_EQ(qemu_guest_cmdline("pingpong:rate=2000", 1, 1, 1, &err), "");
    EXPECT_FALSE(err.empty());
    EXPECT_NE(qemu_guest_cmdline("compute:busy=1,idle=3", 1, 1, 4, &err).find("busy=1"),
              std::string::npos);

    QemuSetup s{"/usr/bin/qemu", "/x/g.elf", "/tmp", "/q/qboot.rom"};
    RunPlan p;
    p.qemu_irqchip = false;
    p.vcpus = 3;
    auto a = qemu_command(p, s, c, "/tmp/serial");
    EXPECT_TRUE(has(a, "pc,kernel-irqchip=off"));
    EXPECT_TRUE(has(a, "qemu64,+tsc-deadline"));
    EXPECT_TRUE(has(a, "kvm"));
    EXPECT_TRUE(has(a, "file:/tmp/serial"));
    EXPECT_TRUE(has(a, "isa-debug-exit,iobase=0xf4,iosize=0x04"));
    EXPECT_TRUE(has(a, c));
    EXPECT_TRUE(has(a, "/q/qboot.rom"));
    EXPECT_TRUE(has(a, "3"));  // -smp
    p.qemu_irqchip = true;
    EXPECT_TRUE(has(qemu_command(p, s, c, "/tmp/serial"), "pc,kernel-irqchip=on"));
}
