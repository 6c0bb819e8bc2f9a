// kvm_hostile_test.cc - hostile guests and bad usage end wfisleep-vm cleanly: exit 1 (2 for usage)
// and one clear line.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

bool have_kvm() {
    return access("/dev/kvm", R_OK | W_OK) == 0;
}

struct Outcome {
    int code = -1;
    std::string err;  // stderr
};

Outcome run_vm(const std::string &args) {
    std::string cmd = std::string(WFISLEEP_VM) + " " + args + " 2>&1 >/dev/null";
    Outcome o;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) return o;
    std::array<char, 512> buf;
    while (fgets(buf.data(), buf.size(), p)) o.err += buf.data();
    int st = pclose(p);
    o.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return o;
}

struct Hostile {
    const char *guest;
    const char *args;
    const char *expect;
};

class HostileGuest : public ::testing::TestWithParam<Hostile> {};

TEST_P(HostileGuest, EndsWithExitOneAndOneLine) {
    if (!have_kvm()) GTEST_SKIP() << "no usable /dev/kvm on this machine: real-VM test skipped";
    const Hostile &h = GetParam();
    Outcome o = run_vm(std::string("--guest ") + HOSTILE_DIR + "/" + h.guest +
                       ".elf --seconds 1 --timeout 2 --quiet " + h.args);
    EXPECT_EQ(o.code, 1) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_EQ(o.err.rfind("wfisleep-vm: error: ", 0), 0u) << o.err;
    EXPECT_NE(o.err.find(h.expect), std::string::npos) << o.err;
}

INSTANTIATE_TEST_SUITE_P(
    Guests, HostileGuest,
    ::testing::Values(Hostile{"unknown_port", "", "unknown I/O port 0x1234"},
                      Hostile{"unknown_port", "--mode inkernel", "unknown I/O port 0x1234"},
                      Hostile{"triple_fault", "", "triple-faulted"},
                      Hostile{"never_halt", "", "timeout"},
                      Hostile{"mmio", "", "0xf0000000, which is not RAM"},
                      Hostile{"garbage_report", "", "guest report: WFIS BOOT: tsc_khz='12x4'"},
                      Hostile{"no_report", "", "guest report missing"},
                      Hostile{"far_deadline", "", "timeout"},
                      Hostile{"timer_storm", "", "interrupt storm"},
                      Hostile{"cli_hlt", "", "every vCPU halted with interrupts disabled"},
                      Hostile{"exit_fail", "", "WFIS_EXIT_FAIL"},
                      Hostile{"serial_flood", "", "longer than 4096"}),
    [](const ::testing::TestParamInfo<Hostile> &i) {
        return std::string(i.param.guest) + (i.param.args[0] ? "_inkernel" : "");
    });

TEST(HostileImage, NotAnElfFile) {
    if (!have_kvm()) GTEST_SKIP() << "no usable /dev/kvm on this machine: real-VM test skipped";
    Outcome o = run_vm(std::string("--guest ") + HOSTILE_DIR + "/../CTestTestfile.cmake --quiet");
    EXPECT_EQ(o.code, 1) << o.err;
    EXPECT_NE(o.err.find("not an ELF file"), std::string::npos) << o.err;
    o = run_vm("--guest /nonexistent/guest.elf --quiet");
    EXPECT_EQ(o.code, 1) << o.err;
    EXPECT_NE(o.err.find("cannot open guest '/nonexistent/guest.elf'"), std::string::npos) << o.err;
}

// With too little address space for 64 thread stacks, starting a vCPU
// thread fails: the run must end with one clear line, not std::terminate.
TEST(HostileHost, VcpuThreadThatCannotStartIsAnError) {
    if (!have_kvm()) GTEST_SKIP() << "no usable /dev/kvm on this machine: real-VM test skipped";
    std::string cmd = "ulimit -v 300000; " + std::string(WFISLEEP_VM) + " --guest " +
                      WFIS_GUEST_ELF +
                      " --scenario idle:hz=100 --vcpus 64 --seconds 0.2 --quiet 2>&1 >/dev/null";
    Outcome o;
    FILE *p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::array<char, 512> buf;
    while (fgets(buf.data(), buf.size(), p)) o.err += buf.data();
    int st = pclose(p);
    o.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (o.err.find("Sanitizer") != std::string::npos)
        GTEST_SKIP() << "sanitizer build: it cannot run under an address-space limit";
    EXPECT_EQ(o.code, 1) << o.err;
    EXPECT_NE(o.err.find("cannot start the thread of vCPU"), std::string::npos) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
}

TEST(Usage, BadFlagsExitTwoWithOneLine) {
    for (const char *args :
         {"--guest x --mode fast", "--guest x --mode inkernel --governor off",
          "--guest x --vcpus 0", "--guest x --seconds -1", "--guest x --seconds 0.001",
          "--mode userspace", "--guest x --scenario idle:hz=abc", "--guest x --governor nope",
          "--guest x --halt-poll-ns 5", "--bogus"}) {
        Outcome o = run_vm(args);
        EXPECT_EQ(o.code, 2) << args << ": " << o.err;
        EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << args << ": " << o.err;
    }
}

TEST(Usage, BadAbOptionsExitTwoNamingTheValue) {
    const std::pair<const char *, const char *> cases[] = {
        {"--guest x --governor adaptive --governor adaptive", "given twice"},
        {"--guest x --governor adaptive --governor qemu11 --settle-ms 300", "--settle-ms 300"},
        {"--guest x --governor adaptive --governor qemu11 --seconds 1 --segment-ms 600",
         "1 whole segment"},
        {"--guest x --governor adaptive --governor qemu11 --scenario compute",
         "compute cannot run A/B"},
        {"--guest x --governor adaptive --governor qemu11 --mode simulated", "simulated"},
        {"--guest x --segment-ms 100", "need --governor given several times"},
    };
    for (const auto &[args, expect] : cases) {
        Outcome o = run_vm(args);
        EXPECT_EQ(o.code, 2) << args << ": " << o.err;
        EXPECT_NE(o.err.find(expect), std::string::npos) << args << ": " << o.err;
        EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << args << ": " << o.err;
    }
}

}  // namespace
