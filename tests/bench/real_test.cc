// real_test.cc - the bench on real VMs: a tiny matrix on KVM (label kvm) and the real peers
// (label peer). Exit 77 (ctest SKIP) with the reason when KVM, the VM or the guest is missing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_helpers.h"

using nlohmann::json;

namespace {

std::string skip_reason() {
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) return "/dev/kvm is missing or not accessible";
    close(fd);
    if (access(WFISBENCH_REAL_VM, X_OK) != 0)
        return std::string("wfisleep-vm not built at ") + WFISBENCH_REAL_VM;
    if (access(WFISBENCH_REAL_GUEST, R_OK) != 0)
        return std::string("guest not built at ") + WFISBENCH_REAL_GUEST;
    return {};
}

std::string paths() {
    return std::string("--vm '") + WFISBENCH_REAL_VM + "' --guest '" + WFISBENCH_REAL_GUEST + "' ";
}

}  // namespace

// Two 1-second runs on real KVM, each in a fresh VM: both complete,
// measured (whole-VM figures too), nothing lost.
TEST(BenchReal, KvmMatrix) {
    std::string dir = benchtest::temp_dir(), out = dir + "/real.json";
    auto c = benchtest::run_cli(WFISBENCH_BIN,
                                paths() +
                                    "--scenario idle:hz=1000 --governor off --governor "
                                    "adaptive --seconds 1 --repeat 1 --no-in-vm-ab --json '" +
                                    out + "'");
    ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
    json j = json::parse(benchtest::read_file(out));
    ASSERT_EQ(j["runs"].size(), 2u);
    for (const auto &r : j["runs"]) {
        EXPECT_EQ(r["backend"], "kvm");
        EXPECT_EQ(r["status"], "ok");
        EXPECT_EQ(r["lost_interrupts"], 0);
        ASSERT_TRUE(r["host_cpu_pct"].is_number());
        EXPECT_GT(r["host_cpu_pct"].get<double>(), 0);
        ASSERT_TRUE(r["timer_lateness_us"].is_object());
        EXPECT_GT(r["exits"].get<long>(), 0);
    }
    EXPECT_EQ(j["runs"][0]["governor"], "off");
    EXPECT_EQ(j["runs"][1]["governor"], "adaptive");
}

// --in-vm-ab: per block, adaptive and deadline share one VM and come back
// as runs of that block; the spin-match row keeps a fresh VM.
TEST(BenchReal, InVmAb) {
    std::string dir = benchtest::temp_dir(), out = dir + "/ab.json";
    auto c = benchtest::run_cli(
        WFISBENCH_BIN, paths() +
                           "--scenario idle:hz=1000 --governor adaptive --governor deadline "
                           "--governor deadline+spin:us=match --seconds 0.5 --repeat 2 "
                           "--in-vm-ab --json '" +
                           out + "'");
    ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
    EXPECT_NE(c.out.find("ran A/B in one VM"), std::string::npos) << c.out;
    json j = json::parse(benchtest::read_file(out));
    EXPECT_TRUE(j["bench"]["in_vm_ab"].get<bool>());
    ASSERT_EQ(j["runs"].size(), 6u);
    std::map<int, std::set<std::string>> shared;  // block -> governors that ran A/B
    std::map<int, std::set<uint64_t>> seeds;
    std::map<int, std::set<int>> segments;  // block -> segments per governor
    for (const auto &r : j["runs"]) {
        EXPECT_EQ(r["status"], "ok") << r.dump();
        const std::string g = r["governor"];
        const int block = r["repeat"];
        seeds[block].insert(r["seed"].get<uint64_t>());
        if (g == "deadline+spin:us=match") {
            EXPECT_FALSE(r.contains("in_vm_ab")) << r.dump();
            continue;
        }
        ASSERT_TRUE(r.contains("in_vm_ab")) << r.dump();
        EXPECT_GE(r["in_vm_ab"]["segments"].get<int>(), 1) << r.dump();
        EXPECT_GT(r["in_vm_ab"]["counted_s"].get<double>(), 0.1) << r.dump();
        ASSERT_TRUE(r["timer_lateness_us"].is_object()) << r.dump();
        EXPECT_TRUE(r["host_cpu_pct"].is_null());  // one VM's: not split
        shared[block].insert(g);
        segments[block].insert(r["in_vm_ab"]["segments"].get<int>());
    }
    ASSERT_EQ(shared.size(), 2u);
    for (const auto &[block, govs] : shared)
        EXPECT_EQ(govs, (std::set<std::string>{"adaptive", "deadline"})) << block;
    for (const auto &[block, s] : seeds) EXPECT_EQ(s.size(), 1u) << block;
    // Whole rounds, and a segment to spare: as many segments each.
    for (const auto &[block, s] : segments) EXPECT_EQ(s.size(), 1u) << block;
}

// One of ours plus the four peers on idle: each runs or is skipped with a reason.
TEST(BenchReal, Peers) {
    std::string dir = benchtest::temp_dir(), out = dir + "/peers.json";
    auto c =
        benchtest::run_cli(WFISBENCH_BIN, paths() +
                                              "--scenario idle:hz=1000 --governor adaptive --peers "
                                              "--seconds 1 --repeat 1 --json '" +
                                              out + "'");
    ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
    json j = json::parse(benchtest::read_file(out));
    size_t ran = j["runs"].size(), skipped = j["bench"]["skipped"].size();
    EXPECT_EQ(ran + skipped, 5u);
    for (const auto &s : j["bench"]["skipped"])
        EXPECT_FALSE(s["reason"].get<std::string>().empty());
    for (const auto &r : j["runs"]) {
        EXPECT_EQ(r["status"], "ok") << r.dump();
        ASSERT_TRUE(r["timer_lateness_us"].is_object()) << r.dump();
        if (r["backend"] == "qemu") {
            EXPECT_TRUE(r["wake_latency_us"].is_null());
        }
    }
}

int main(int argc, char **argv) {
    testing::InitGoogleTest(&argc, argv);
    std::string why = skip_reason();
    if (!why.empty()) {
        std::printf("SKIPPED: %s\n", why.c_str());
        return 77;
    }
    return RUN_ALL_TESTS();
}
