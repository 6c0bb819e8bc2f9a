// options_test.cc - wfisleep-bench flag parsing: defaults, the default matrix, one-line errors,
// exit 2.
#include "options.h"

#include <gtest/gtest.h>

#include <vector>

#include "matrix.h"

using namespace wfisbench;

namespace {

ParseOutcome parse(std::vector<std::string> args, Options *o) {
    args.insert(args.begin(), "wfisleep-bench");
    std::vector<const char *> argv;
    for (const auto &a : args) argv.push_back(a.c_str());
    return parse_options(static_cast<int>(argv.size()), argv.data(), o);
}

}  // namespace

TEST(BenchOptions, NoFlagsIsTheDefaultMatrixWithPeers) {
    Options o;
    ASSERT_EQ(parse({}, &o).exit_code, -1);
    EXPECT_TRUE(o.default_matrix);
    EXPECT_TRUE(o.peers);
    // The test bed's matrix, then G6's real-QEMU scenario and rows.
    auto s = default_scenarios(), g = default_governors();
    s.push_back("linux-cyclictest:hz=1000");
    for (const auto &row : default_tcg_rows()) g.push_back(row);
    EXPECT_EQ(o.scenarios, s);
    EXPECT_EQ(o.governors, g);
}

TEST(BenchOptions, DefaultMatrixCoversTheGoals) {
    auto s = default_scenarios();
    for (const char *need :
         {"idle:hz=1000", "idle:hz=250", "pingpong:rate=2000,hz=250,kicks=qemu",
          "burst:len=16,think_us=20,kicks=qemu", "compute:busy=1,idle=3", "idle:hz=250,vcpus=8"})
        EXPECT_NE(std::find(s.begin(), s.end(), need), s.end()) << need;
    int laws = 0;
    for (const auto &x : s) laws += x.find("host=macos") != std::string::npos;
    EXPECT_EQ(laws, 4);  // the window law among them
    EXPECT_NE(std::find(s.begin(), s.end(),
                        "idle:hz=1000,host=macos,coalesce_permille=250,coalesce_shape=window"),
              s.end());
    laws = 0;
    for (const auto &x : default_scenarios(true)) laws += x.find("host=macos") != std::string::npos;
    EXPECT_EQ(laws, 7);
    // Rows per scenario: every governor and peer on idle 1 kHz (but qemu11
    // without ppoll, a macOS main loop), the goals' rows elsewhere; 52
    // test-bed runs per block (about 12 minutes at 1 s runs over 8 blocks,
    // plus the real-QEMU rows).
    Options o;
    ASSERT_EQ(parse({}, &o).exit_code, -1);
    HostFacts h;
    h.kvm = h.vm = h.guest = h.qemu = true;
    h.tcg_missing = "not here";
    Matrix m = build_matrix(o, h);
    int per_block = 0, wide = 0;
    for (const auto &r : m.runs) {
        if (r.repeat != 0) continue;
        per_block++;
        if (r.vcpus == 8) wide++;
        // QEMU 11.1's model runs as QEMU runs under that host timer.
        const bool macos = r.scenario.find("host=macos") != std::string::npos;
        if (r.governor == "qemu11") {
            EXPECT_TRUE(macos) << r.scenario;
        }
        if (r.governor == "qemu11:ppoll=1") {
            EXPECT_FALSE(macos) << r.scenario;
        }
    }
    EXPECT_EQ(per_block, 52);
    EXPECT_EQ(wide, 4);
    const auto idle = default_rows("idle:hz=1000");
    EXPECT_EQ(std::find(idle.begin(), idle.end(), "qemu11"), idle.end());
    for (const char *g : {"deadline+spin:us=match", "deadline+spin:us=cpumatch", "qemu11:ppoll=1",
                          "kvm-haltpoll", "inkernel"})
        EXPECT_NE(std::find(idle.begin(), idle.end(), g), idle.end()) << g;
    EXPECT_EQ(default_rows("compute:busy=1,idle=3"),
              (std::vector<std::string>{"off", "adaptive", "deadline", "qemu11:ppoll=1",
                                        "kvm-haltpoll"}));
    EXPECT_EQ(default_rows("idle:hz=1000,host=macos,coalesce_permille=50,coalesce_shape=max"),
              (std::vector<std::string>{"off", "adaptive", "deadline", "qemu11"}));
    // --full: the other three laws and the CPU hog, four rows each, and two
    // 4-vCPU VMs side by side (adaptive, deadline).
    ASSERT_EQ(parse({"--full"}, &o).exit_code, -1);
    m = build_matrix(o, h);
    per_block = 0;
    for (const auto &r : m.runs) per_block += r.repeat == 0;
    EXPECT_EQ(per_block, 70);
    EXPECT_EQ(default_rows("idle:hz=1000,hog=500"),
              (std::vector<std::string>{"off", "adaptive", "deadline", "kvm-haltpoll"}));
}

TEST(BenchOptions, ExplicitSpecsTurnPeersOffUnlessAsked) {
    Options o;
    ASSERT_EQ(parse({"--scenario", "idle:hz=250"}, &o).exit_code, -1);
    EXPECT_FALSE(o.default_matrix);
    EXPECT_FALSE(o.peers);
    EXPECT_EQ(o.scenarios, std::vector<std::string>{"idle:hz=250"});
    EXPECT_EQ(o.governors, default_governors());
    ASSERT_EQ(parse({"--governor", "off", "--peers"}, &o).exit_code, -1);
    EXPECT_TRUE(o.peers);
    ASSERT_EQ(parse({"--no-peers"}, &o).exit_code, -1);
    EXPECT_TRUE(o.default_matrix);
    EXPECT_FALSE(o.peers);
}

TEST(BenchOptions, BlocksDefaultToEightAndQuickToThree) {
    Options o;
    ASSERT_EQ(parse({}, &o).exit_code, -1);
    EXPECT_EQ(o.repeat, 8);
    EXPECT_FALSE(o.quick);
    ASSERT_EQ(parse({"--quick"}, &o).exit_code, -1);
    EXPECT_TRUE(o.quick);
    EXPECT_EQ(o.repeat, 3);
    ASSERT_EQ(parse({"--repeat", "5", "--quick"}, &o).exit_code, -1);
    EXPECT_EQ(o.repeat, 5);  // an explicit --repeat wins
    ParseOutcome p = parse({"--quick=1"}, &o);
    EXPECT_EQ(p.exit_code, 2);
    EXPECT_NE(p.message.find("--quick takes no value"), std::string::npos) << p.message;
}

TEST(BenchOptions, ValuesInBothForms) {
    Options o;
    ASSERT_EQ(parse({"--seconds=2.5", "--repeat", "4", "--vcpus=2", "--seed",
                     "18446744073709551615", "--json", "x.json", "--plot", "p.SVG"},
                    &o)
                  .exit_code,
              -1);
    EXPECT_DOUBLE_EQ(o.seconds, 2.5);
    EXPECT_EQ(o.repeat, 4);
    EXPECT_EQ(o.vcpus, 2);
    EXPECT_EQ(o.seed, UINT64_MAX);
    EXPECT_EQ(o.json_path, "x.json");
    EXPECT_EQ(o.plot_path, "p.SVG");
}

TEST(BenchOptions, SpecsEchoExactlyAsGiven) {
    Options o;
    ASSERT_EQ(parse({"--governor", "seed:max_us=100", "--governor", "adaptive", "--scenario",
                     "compute:busy=1,idle=3"},
                    &o)
                  .exit_code,
              -1);
    EXPECT_EQ(o.governors, (std::vector<std::string>{"seed:max_us=100", "adaptive"}));
    EXPECT_EQ(o.scenarios, std::vector<std::string>{"compute:busy=1,idle=3"});
}

TEST(BenchOptions, BadUsageIsOneLineAndExit2) {
    const std::vector<std::vector<std::string>> bad = {
        {"--bogus"},
        {"stray"},
        {"--seconds"},
        {"--seconds", "0"},
        {"--seconds", "-1"},
        {"--seconds", "abc"},
        {"--seconds", "3601"},
        {"--seconds", "nan"},
        {"--repeat", "0"},
        {"--repeat", "2x"},
        {"--vcpus", "65"},
        {"--seed", "-3"},
        {"--seed", ""},
        {"--plot", "out.jpg"},
        {"--plot", "noext"},
        {"--json="},
        {"--scenario", "idle:hz=0"},
        {"--scenario", "sleepy"},
        {"--scenario", "idle:bogus=1"},
        {"--governor", "nope"},
        {"--governor", "seed:max_us=0"},
        {"--peers", "--no-peers"},
        {"--in-vm-ab", "--no-in-vm-ab"},
        {"--peers=1"},
        {"--governor", "off", "--governor", "off"},
    };
    for (const auto &args : bad) {
        Options o;
        ParseOutcome p = parse(args, &o);
        std::string joined;
        for (const auto &a : args) joined += a + " ";
        EXPECT_EQ(p.exit_code, 2) << joined;
        EXPECT_EQ(p.message.find('\n'), std::string::npos) << joined << ": " << p.message;
        EXPECT_EQ(p.message.rfind("wfisleep-bench: ", 0), 0u) << p.message;
    }
}

TEST(BenchOptions, InVmAbIsOnUnlessRefused) {
    Options o;
    ASSERT_EQ(parse({"--governor", "adaptive"}, &o).exit_code, -1);
    EXPECT_TRUE(o.in_vm_ab);
    Options on;
    ASSERT_EQ(parse({"--governor", "adaptive", "--in-vm-ab"}, &on).exit_code, -1);
    EXPECT_TRUE(on.in_vm_ab);
    Options off;
    ASSERT_EQ(parse({"--governor", "adaptive", "--no-in-vm-ab"}, &off).exit_code, -1);
    EXPECT_FALSE(off.in_vm_ab);
}

TEST(BenchOptions, ErrorsNameTheInput) {
    Options o;
    EXPECT_NE(parse({"--seconds", "abc"}, &o).message.find("abc"), std::string::npos);
    EXPECT_NE(parse({"--governor", "nope"}, &o).message.find("nope"), std::string::npos);
    EXPECT_NE(parse({"--bogus"}, &o).message.find("--bogus"), std::string::npos);
    EXPECT_NE(parse({"--seconds"}, &o).message.find("--seconds needs a value"), std::string::npos);
    EXPECT_NE(parse({"--json="}, &o).message.find("--json needs a value"), std::string::npos);
    EXPECT_NE(parse({"--fail-on-goals=1"}, &o).message.find("--fail-on-goals takes no value"),
              std::string::npos);
}

TEST(BenchOptions, HelpDocumentsEveryFlag) {
    Options o;
    ParseOutcome p = parse({"--help"}, &o);
    EXPECT_EQ(p.exit_code, 0);
    for (const char *flag : {"--scenario",
                             "--governor",
                             "--seconds",
                             "--vcpus",
                             "--repeat",
                             "--quick",
                             "--peers",
                             "--no-peers",
                             "--seed",
                             "--json",
                             "--plot",
                             "--vm",
                             "--guest",
                             "--qemu",
                             "grace",
                             "inkernel:poll=0",
                             "qemu:irqchip=off",
                             "pingpong",
                             "compute",
                             "kvm-haltpoll",
                             "--fail-on-goals",
                             "3 some goal is NOT met",
                             "4 none is NOT met"})
        EXPECT_NE(p.message.find(flag), std::string::npos) << flag;
}

TEST(BenchOptions, HostTimerFlagSetsTheDefaultOfScenariosWithoutHost) {
    Options o;
    ASSERT_EQ(parse({"--scenario", "idle:hz=1000", "--scenario", "idle:hz=250,host=linux",
                     "--scenario", "tickless", "--host-timer", "macos"},
                    &o)
                  .exit_code,
              -1);
    EXPECT_EQ(o.host_timer, "macos");
    EXPECT_EQ(o.scenarios,
              (std::vector<std::string>{"idle:hz=1000,host=macos", "idle:hz=250,host=linux",
                                        "tickless:host=macos"}));
    ASSERT_EQ(parse({"--scenario", "idle:hz=1000", "--host-timer=linux"}, &o).exit_code, -1);
    EXPECT_EQ(o.scenarios, std::vector<std::string>{"idle:hz=1000"});
    const ParseOutcome bad = parse({"--host-timer", "darwin"}, &o);
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.message.find("darwin"), std::string::npos) << bad.message;
    EXPECT_NE(bad.message.find("linux, macos"), std::string::npos) << bad.message;
    EXPECT_EQ(bad.message.find('\n'), std::string::npos) << bad.message;
}

TEST(BenchOptions, ScenarioWithDefaultKeepsAGivenKey) {
    EXPECT_EQ(scenario_with_default("idle", "host", "macos"), "idle:host=macos");
    EXPECT_EQ(scenario_with_default("idle:hz=5", "host", "macos"), "idle:hz=5,host=macos");
    EXPECT_EQ(scenario_with_default("idle:host=linux", "host", "macos"), "idle:host=linux");
    EXPECT_EQ(scenario_with_default("idle:hz=5,host=linux", "host", "macos"),
              "idle:hz=5,host=linux");
}

TEST(BenchOptions, KicksFlagSetsTheDefaultOfScenariosWithoutKicks) {
    Options o;
    ASSERT_EQ(parse({"--scenario", "pingpong:rate=2000", "--scenario", "idle:kicks=vector",
                     "--kicks", "qemu", "--host-timer", "macos"},
                    &o)
                  .exit_code,
              -1);
    EXPECT_EQ(o.scenarios, (std::vector<std::string>{"pingpong:rate=2000,host=macos,kicks=qemu",
                                                     "idle:kicks=vector,host=macos"}));
    const ParseOutcome bad = parse({"--kicks", "ipi"}, &o);
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.message.find("ipi"), std::string::npos) << bad.message;
    EXPECT_NE(bad.message.find("vector, qemu"), std::string::npos) << bad.message;
}

TEST(BenchOptions, TheVmsKeyTakesOneToEightVms) {
    Options o;
    const ParseOutcome bad = parse({"--scenario", "idle:hz=250,vms=12"}, &o);
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.message.find("idle:hz=250,vms=12: vms needs an integer from 1 to 8"),
              std::string::npos)
        << bad.message;
    EXPECT_EQ(parse({"--scenario", "idle:hz=250,vcpus=4,vms=2"}, &o).exit_code, -1);
}
