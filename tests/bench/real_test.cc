// real_test.cc - the bench on real VMs: a tiny matrix on KVM (label kvm) and the real peers
// (label peer). Exit 77 (ctest SKIP) with the reason when KVM, the VM or the guest is missing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

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

// Two 1-second runs on real KVM: both complete, measured, nothing lost.
TEST(BenchReal, KvmMatrix) {
    std::string dir = benchtest::temp_dir(), out = dir + "/real.json";
    auto c =
        benchtest::run_cli(WFISBENCH_BIN, paths() +
                                              "--scenario idle:hz=1000 --governor off --governor "
                                              "adaptive --seconds 1 --repeat 1 --json '" +
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
