// tcg_test.cc - the real-QEMU rows: the row and scenario grammar, the flags that pair them, the
// cyclictest/ping histogram parser, the glue's stats lines, the MARK-timed CPU window (a fake
// QEMU that burns known CPU between MARK lines), and G6 on synthetic paired blocks.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "canned_runs.h"
#include "cli_helpers.h"
#include "goals.h"
#include "matrix.h"
#include "options.h"
#include "report_table.h"
#include "summary.h"
#include "tcg_report.h"
#include "tcg_runner.h"
#include "tcg_spec.h"

using namespace wfisbench;

namespace {

ParseOutcome parse(std::vector<std::string> args, Options *o) {
    args.insert(args.begin(), "wfisleep-bench");
    std::vector<const char *> argv;
    for (const auto &a : args) argv.push_back(a.c_str());
    return parse_options(static_cast<int>(argv.size()), argv.data(), o);
}

bool has(const std::vector<std::string> &v, const std::string &x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

// ---------------------------------------------------------------- grammar

TEST(TcgRows, ValidRows) {
    TcgRow r;
    std::string err;
    ASSERT_TRUE(parse_tcg_row("qemu-tcg:upstream-noppoll", &r, &err)) << err;
    EXPECT_EQ(r.build, "upstream-noppoll");
    EXPECT_FALSE(r.wfisleep);
    EXPECT_FALSE(r.ppoll);
    EXPECT_EQ(r.policy, "");
    EXPECT_EQ(tcg_upstream_row(r), "qemu-tcg:upstream-noppoll");
    ASSERT_TRUE(parse_tcg_row("qemu-tcg:wfisleep-ppoll:adaptive", &r, &err)) << err;
    EXPECT_TRUE(r.wfisleep);
    EXPECT_TRUE(r.ppoll);
    EXPECT_EQ(r.policy, "adaptive");
    EXPECT_EQ(tcg_upstream_row(r), "qemu-tcg:upstream-ppoll");
    ASSERT_TRUE(parse_tcg_row("qemu-tcg:wfisleep-noppoll:off", &r, &err)) << err;
    EXPECT_EQ(r.policy, "off");
    ASSERT_TRUE(parse_tcg_row("qemu-tcg:wfisleep-noppoll", &r, &err)) << err;
    EXPECT_EQ(r.policy, "");
    for (const auto &b : tcg_build_names())
        EXPECT_TRUE(parse_tcg_row("qemu-tcg:" + b, &r, &err)) << b << ": " << err;
    // The noppoll label never says Mac without saying it is not one.
    EXPECT_NE(std::string(tcg_main_loop(r)).find("not a Mac"), std::string::npos);
}

TEST(TcgRows, InvalidRowsSayWhichAndWhatIsAccepted) {
    struct Case {
        const char *row, *needle;
    } cases[] = {
        {"qemu-tcg:upstream-noppoll:adaptive", "takes no policy"},
        {"qemu-tcg:upstream-ppoll:off", "takes no policy"},
        {"qemu-tcg:bogus", "unknown build 'bogus'"},
        {"qemu-tcg:wfisleep-noppoll:seed", "unknown policy 'seed'"},
        {"qemu-tcg:wfisleep-noppoll:adaptive:x", "too many parts"},
        {"qemu-tcg", "accepted"},
        {"qemu-tcg:", "accepted"},
    };
    for (const auto &c : cases) {
        TcgRow r;
        std::string err;
        EXPECT_FALSE(parse_tcg_row(c.row, &r, &err)) << c.row;
        EXPECT_NE(err.find(std::string("'") + c.row + "'"), std::string::npos) << err;
        EXPECT_NE(err.find(c.needle), std::string::npos) << err;
        EXPECT_NE(err.find("accepted"), std::string::npos) << err;
        EXPECT_EQ(err.find('\n'), std::string::npos) << err;
        // The bench's flags: exit 2 with that one line.
        Options o;
        ParseOutcome p = parse({"--governor", c.row}, &o);
        EXPECT_EQ(p.exit_code, 2) << c.row;
        EXPECT_NE(p.message.find(c.needle), std::string::npos) << p.message;
    }
    // The upstream error names the builds that take a policy.
    TcgRow r;
    std::string err;
    parse_tcg_row("qemu-tcg:upstream-noppoll:adaptive", &r, &err);
    EXPECT_NE(err.find("wfisleep-noppoll"), std::string::npos) << err;
}

TEST(TcgScenarios, GrammarAndGuestWork) {
    TcgScenario s;
    std::string err;
    ASSERT_TRUE(parse_tcg_scenario("linux-cyclictest", &s, &err)) << err;
    EXPECT_EQ(s.work, TcgWork::kCyclictest);
    EXPECT_EQ(tcg_guest_work(s, 5), "cyclictest:threads=1,interval_us=1000,duration_s=5");
    ASSERT_TRUE(parse_tcg_scenario("linux-cyclictest:hz=250,threads=4,vcpus=4", &s, &err)) << err;
    EXPECT_EQ(tcg_guest_work(s, 10), "cyclictest:threads=4,interval_us=4000,duration_s=10");
    EXPECT_EQ(tcg_scenario_vcpus("linux-cyclictest:hz=250,threads=4,vcpus=4", 1), 4);
    EXPECT_EQ(tcg_scenario_vcpus("linux-cyclictest", 2), 2);
    EXPECT_EQ(scenario_vcpus("linux-idle:vcpus=3", 1), 3);
    ASSERT_TRUE(parse_tcg_scenario("linux-ping:rate=200", &s, &err)) << err;
    EXPECT_EQ(tcg_guest_work(s, 5), "ping:rate=200,count=1000");
    ASSERT_TRUE(parse_tcg_scenario("linux-idle", &s, &err)) << err;
    EXPECT_EQ(tcg_guest_work(s, 7), "idle:duration_s=7");
    // Defaults filled in: the same scenario; another key value is not.
    EXPECT_TRUE(same_tcg_scenario("linux-cyclictest", "linux-cyclictest:hz=1000,threads=1"));
    EXPECT_FALSE(same_tcg_scenario("linux-cyclictest", "linux-cyclictest:hz=500"));
    EXPECT_FALSE(same_tcg_scenario("linux-cyclictest", "linux-idle"));
    for (const char *bad :
         {"linux-cyclictest:hz=7", "linux-cyclictest:hz=20000", "linux-cyclictest:threads=0",
          "linux-cyclictest:rate=5", "linux-ping:rate=0", "linux-idle:hz=1000", "linux-nope",
          "linux-cyclictest:hz=1000,hz=500", "linux-cyclictest:hz=", "linux-idle:vcpus=65"}) {
        EXPECT_FALSE(parse_tcg_scenario(bad, &s, &err)) << bad;
        EXPECT_NE(err.find(std::string("'") + bad + "'"), std::string::npos) << err;
        Options o;
        EXPECT_EQ(parse({"--scenario", bad, "--governor", "qemu-tcg:upstream-ppoll"}, &o).exit_code,
                  2)
            << bad;
    }
}

// ---------------------------------------------------------------- flags and matrix

TEST(TcgOptions, DefaultsFullSkipFlagAndPairing) {
    Options o;
    ASSERT_EQ(parse({}, &o).exit_code, -1);
    EXPECT_TRUE(has(o.scenarios, "linux-cyclictest:hz=1000"));
    EXPECT_FALSE(has(o.scenarios, "linux-ping:rate=100"));  // --full only
    for (const auto &r : default_tcg_rows()) EXPECT_TRUE(has(o.governors, r)) << r;
    EXPECT_EQ(o.tcg_seconds, 5);
    EXPECT_EQ(o.tcg_repeat, 6);

    ASSERT_EQ(parse({"--full"}, &o).exit_code, -1);
    EXPECT_TRUE(has(o.scenarios, "linux-ping:rate=100"));
    EXPECT_TRUE(has(o.scenarios, "linux-cyclictest:hz=1000,threads=4,vcpus=4"));

    ASSERT_EQ(parse({"--no-qemu-tcg"}, &o).exit_code, -1);
    for (const auto &s : o.scenarios) EXPECT_FALSE(is_tcg_scenario(s)) << s;
    for (const auto &g : o.governors) EXPECT_FALSE(is_tcg_row(g)) << g;

    // Naming a real-QEMU row alone: its default scenario, no test-bed rows.
    ASSERT_EQ(parse({"--governor", "qemu-tcg:upstream-ppoll"}, &o).exit_code, -1);
    EXPECT_EQ(o.scenarios, std::vector<std::string>{"linux-cyclictest:hz=1000"});
    EXPECT_FALSE(o.peers);
    // Naming a test-bed scenario alone: no real-QEMU rows.
    ASSERT_EQ(parse({"--scenario", "idle:hz=250"}, &o).exit_code, -1);
    for (const auto &g : o.governors) EXPECT_FALSE(is_tcg_row(g)) << g;
    // A linux-* scenario alone: G6's rows.
    ASSERT_EQ(parse({"--scenario", "linux-idle"}, &o).exit_code, -1);
    EXPECT_EQ(o.governors, default_tcg_rows());

    for (std::vector<std::string> bad :
         {std::vector<std::string>{"--no-qemu-tcg", "--full"},
          {"--no-qemu-tcg", "--governor", "qemu-tcg:upstream-ppoll"},
          {"--scenario", "linux-idle", "--governor", "adaptive"},
          {"--scenario", "idle:hz=1000", "--governor", "qemu-tcg:upstream-ppoll"},
          {"--tcg-seconds", "0"},
          {"--tcg-seconds", "1.5"},
          {"--tcg-repeat", "0"},
          {"--tcg-qemu", "nope=/bin/true"},
          {"--tcg-qemu", "upstream-ppoll"}}) {
        ParseOutcome p = parse(bad, &o);
        EXPECT_EQ(p.exit_code, 2) << bad[0];
        EXPECT_EQ(p.message.find('\n'), std::string::npos) << p.message;
    }
    ASSERT_EQ(parse({"--tcg-qemu", "wfisleep-ppoll=/x/qemu", "--tcg-seconds", "10"}, &o).exit_code,
              -1);
    EXPECT_EQ(o.tcg_qemu.at("wfisleep-ppoll"), "/x/qemu");
    EXPECT_EQ(o.tcg_seconds, 10);
}

TEST(TcgMatrix, RowsPairWithLinuxScenariosInTheFirstBlocksOnly) {
    Options o;
    ASSERT_EQ(parse({"--scenario", "idle:hz=1000", "--scenario", "linux-cyclictest", "--governor",
                     "adaptive", "--governor", "qemu-tcg:upstream-noppoll", "--governor",
                     "qemu-tcg:wfisleep-noppoll:adaptive", "--repeat", "8", "--tcg-repeat", "6"},
                    &o)
                  .exit_code,
              -1);
    HostFacts host;
    host.kvm = host.vm = host.guest = true;
    Matrix m = build_matrix(o, host);
    int tcg = 0, vm = 0;
    for (const auto &p : m.runs) {
        const bool t = p.backend == Backend::kQemuTcg;
        EXPECT_EQ(t, is_tcg_scenario(p.scenario)) << p.scenario << " " << p.governor;
        EXPECT_EQ(t, is_tcg_row(p.governor)) << p.scenario << " " << p.governor;
        if (t) {
            EXPECT_LT(p.repeat, 6);
            EXPECT_EQ(p.seconds, 5);
            EXPECT_TRUE(p.peer);
        }
        (t ? tcg : vm)++;
    }
    EXPECT_EQ(tcg, 2 * 6);
    EXPECT_EQ(vm, 8);
    // Builds missing: every real-QEMU pair is a skip with the reason.
    host.tcg_missing = "no builds here";
    m = build_matrix(o, host);
    int skips = 0;
    for (const auto &s : m.skips) skips += s.reason == "no builds here" ? 1 : 0;
    EXPECT_EQ(skips, 2);
    for (const auto &p : m.runs) EXPECT_NE(p.backend, Backend::kQemuTcg);
}

// ---------------------------------------------------------------- parsers

TEST(TcgHistogram, ExactPercentilesAndN) {
    // 100 samples: 50 at 10 us, 40 at 20, 9 at 30, 1 at 400.
    std::map<int64_t, uint64_t> h = {{10, 50}, {20, 40}, {30, 9}, {400, 1}};
    auto q = tcg_histogram_distribution(h);
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->count, 100u);
    EXPECT_DOUBLE_EQ(q->p50.value_or(-1), 10);  // rank 50
    EXPECT_DOUBLE_EQ(q->p90.value_or(-1), 20);  // rank 90
    EXPECT_DOUBLE_EQ(q->p99.value_or(-1), 30);  // rank 99
    EXPECT_FALSE(q->p999.has_value());          // below 1000 samples
    EXPECT_DOUBLE_EQ(q->max, 400);
    EXPECT_TRUE(q->exact);
    EXPECT_DOUBLE_EQ(q->over[0], 0.01);  // > 50 us: the 400
    // 99 samples: no percentile at all; the count still says n.
    h[10] = 49;
    q = tcg_histogram_distribution(h);
    EXPECT_EQ(q->count, 99u);
    EXPECT_FALSE(q->p50.has_value());
    // 1000 samples: p99.9 too (rank 999 of 1000).
    std::map<int64_t, uint64_t> k = {{100, 990}, {500, 8}, {900, 2}};
    q = tcg_histogram_distribution(k);
    EXPECT_DOUBLE_EQ(q->p99.value_or(-1), 100);
    EXPECT_DOUBLE_EQ(q->p999.value_or(-1), 900);
    EXPECT_FALSE(tcg_histogram_distribution({}).has_value());
}

TEST(TcgHistogram, OverflowsSitAboveEveryBucketAtTheMax) {
    // 1000 samples, 5 of them at or above cyclictest's 20 ms overflow; max 31000 us.
    std::map<int64_t, uint64_t> h = {{100, 990}, {19999, 5}};
    auto q = tcg_histogram_distribution(h, 5, 31000);
    ASSERT_TRUE(q.has_value());
    EXPECT_EQ(q->count, 1000u);
    EXPECT_DOUBLE_EQ(q->p99.value_or(-1), 100);
    EXPECT_DOUBLE_EQ(q->p999.value_or(-1), 31000);  // rank 999: an overflow -> the max
    EXPECT_FALSE(q->exact);
    EXPECT_DOUBLE_EQ(q->max, 31000);
    // Overflows below the percentiles leave them exact.
    h = {{100, 999}};
    q = tcg_histogram_distribution(h, 1, 25000);
    EXPECT_TRUE(q->exact);
    EXPECT_DOUBLE_EQ(q->p999.value_or(-1), 100);
    EXPECT_DOUBLE_EQ(q->max, 25000);
    const auto ns = tcg_histogram_samples_ns(h, 1, 25000);
    ASSERT_EQ(ns.size(), 1000u);
    EXPECT_EQ(ns.back(), 25000000);
}

TEST(TcgGuest, ParsesTheWfisgLines) {
    const std::string serial =
        "[    0.1] kernel noise\r\n"
        "WFISG READY uptime=1.0 cpus=2 kernel=6.1\n"
        "WFISG MARK start uptime=2\n"
        "WFISG CTHIST 5 1 1\n"  // a first boot, reset by the next READY
        "WFISG READY uptime=1.0 cpus=2 kernel=6.1\r\n"
        "WFISG NET none\n"
        "WFISG WORK cyclictest:threads=2,interval_us=1000,duration_s=1\n"
        "WFISG MARK start uptime=2.0\n"
        "WFISG MARK end uptime=3.0\n"
        "WFISG CTHIST 40 30 20\n"
        "WFISG CTHIST 41 0 50\n"
        "WFISG CTHIST 90 0 0\n"
        "WFISG CTSTAT max 20500 95\n"
        "WFISG CTSTAT overflows 1 0\n"
        "WFISG CT threads=2 interval_us=1000 duration_s=1 policy=other\n"
        "WFISG PINGHIST 300 7\n"
        "WFISG PING sent=8 received=7 min_ms=0.3\n"
        "WFISG END status=ok uptime=3.1\n";
    TcgGuestReport r;
    std::string err;
    ASSERT_TRUE(parse_tcg_guest(serial, &r, &err)) << err;
    EXPECT_EQ(r.ready, 2);
    EXPECT_EQ(r.cpus, 2);
    EXPECT_TRUE(r.mark_start && r.mark_end);
    EXPECT_EQ(r.end, "ok");
    EXPECT_EQ((r.ct_hist), (std::map<int64_t, uint64_t>{{40, 50}, {41, 50}}));
    EXPECT_EQ(r.ct_overflows, 1u);
    EXPECT_EQ(r.ct_max_us.value_or(-1), 20500);
    EXPECT_TRUE(r.ct_done);
    EXPECT_EQ(r.ping_hist.at(300), 7u);
    EXPECT_EQ(r.ping_received.value_or(-1), 7);

    RunResult out;
    ASSERT_TRUE(fill_from_tcg_serial(serial, "linux-cyclictest:threads=2", 2, &out, &err)) << err;
    ASSERT_TRUE(out.timer_lateness_us.has_value());
    EXPECT_EQ(out.timer_lateness_us->count, 101u);
    EXPECT_DOUBLE_EQ(out.timer_lateness_us->p50.value_or(-1), 41);  // rank 51
    EXPECT_DOUBLE_EQ(out.timer_lateness_us->max, 20500);
    EXPECT_EQ(out.timer_samples_ns.size(), 101u);
    // A guest that saw another CPU count, reported an error or stopped early: no figures.
    EXPECT_FALSE(fill_from_tcg_serial(serial, "linux-cyclictest:threads=2", 1, &out, &err));
    EXPECT_NE(err.find("1 requested"), std::string::npos) << err;
    std::string failed = serial;
    failed.replace(failed.find("status=ok"), 9, "status=error");
    EXPECT_FALSE(fill_from_tcg_serial(failed, "linux-cyclictest", 2, &out, &err));
    EXPECT_FALSE(fill_from_tcg_serial(serial.substr(0, serial.find("WFISG END")),
                                      "linux-cyclictest", 2, &out, &err));
    EXPECT_NE(err.find("END"), std::string::npos) << err;
    EXPECT_FALSE(parse_tcg_guest("WFISG CTHIST x 1\n", &r, &err));
    EXPECT_NE(err.find("CTHIST"), std::string::npos) << err;
}

TEST(TcgGuest, GlueStatsLines) {
    auto s = parse_tcg_glue_stats(
        "qemu noise\n"
        "wfisleep: library 0.3.0, accelerator tcg, policy adaptive\n"
        "wfisleep: vCPU 0 (adaptive): 5034 idle calls, 4887 sleeps\n"
        "wfisleep: tcg: 5034 waits entered\n");
    EXPECT_EQ(s.waits_entered.value_or(-1), 5034);
    ASSERT_EQ(s.vcpu_lines.size(), 1u);
    EXPECT_NE(s.vcpu_lines[0].find("5034 idle calls"), std::string::npos);
    EXPECT_FALSE(parse_tcg_glue_stats("wfisleep: tcg: many waits entered\n").waits_entered);
    EXPECT_FALSE(parse_tcg_glue_stats("").waits_entered);
    EXPECT_EQ(parse_name_path_lines("kernel /a/vmlinuz\ninitrd /a/initrd.img\n").at("initrd"),
              "/a/initrd.img");
}

// ---------------------------------------------------------------- the MARK window

namespace {

struct FakeTcg {
    std::string dir = benchtest::temp_dir();
    std::string log = dir + "/fake.log";
    TcgSetup setup;
    FakeTcg() {
        for (const auto &b : tcg_build_names()) setup.paths.qemu[b] = WFISBENCH_FAKE_QEMU_TCG;
        setup.paths.kernel = dir + "/vmlinuz";
        setup.paths.initrd = dir + "/initrd";
        std::ofstream(setup.paths.kernel) << "x";
        std::ofstream(setup.paths.initrd) << "x";
        setup.work_dir = dir;
        setenv("FAKE_TCG_LOG", log.c_str(), 1);
    }
    RunPlan plan(const std::string &row, const std::string &sc = "linux-cyclictest") const {
        RunPlan p;
        p.scenario = sc;
        p.governor = p.vm_governor = row;
        p.backend = Backend::kQemuTcg;
        p.peer = true;
        p.seconds = 1;
        return p;
    }
};

}  // namespace

// The fake burns 0.6 s of CPU time before MARK start and after MARK end,
// and in the window burns 0.4 s of CPU time, then sleeps 0.4 s. Read at the
// MARK lines, the window holds 0.4 s of CPU time (however loaded the host
// is); a window that took in either edge's burn would hold 1.0 s or more.
TEST(TcgWindow, CpuIsReadAtTheMarkLines) {
    FakeTcg f;
    setenv("FAKE_TCG_BURN", "1", 1);
    RunResult r = run_qemu_tcg(f.plan("qemu-tcg:wfisleep-noppoll:adaptive"), f.setup);
    unsetenv("FAKE_TCG_BURN");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_TRUE(r.workload_s && r.workload_cpu_pct && r.host_cpu_pct && r.wall_s);
    EXPECT_GT(*r.workload_s, 0.75);  // at least the burn's 0.4 s and the 0.4 s sleep
    const double window_cpu_s = *r.workload_cpu_pct / 100 * *r.workload_s;
    EXPECT_GT(window_cpu_s, 0.38);
    EXPECT_LT(window_cpu_s, 0.50);
    const double run_cpu_s = *r.host_cpu_pct / 100 * *r.wall_s;
    EXPECT_GT(run_cpu_s, 1.55);
    ASSERT_TRUE(r.workload_cpu_error_pct.has_value());
    EXPECT_LT(*r.workload_cpu_error_pct, 5);
    // The fake names its one thread "CPU 0/TCG": the vCPU thread is all of it.
    ASSERT_EQ(r.vcpu_cpu_pct.size(), 1u);
    EXPECT_NEAR(r.vcpu_cpu_pct[0], *r.workload_cpu_pct, 1.0);
    // Its histogram and the glue's stats came through.
    ASSERT_TRUE(r.timer_lateness_us.has_value());
    EXPECT_EQ(r.timer_lateness_us->count, 1000u);
    EXPECT_DOUBLE_EQ(r.timer_lateness_us->p50.value_or(-1), 100);
    EXPECT_EQ(r.tcg_waits_entered.value_or(-1), 1234);
    EXPECT_EQ(r.tcg_stats.size(), 1u);
}

TEST(TcgWindow, PolicyReachesQemuAndNothingElseDoes) {
    FakeTcg f;
    setenv("WFISLEEP_POLICY", "adaptive", 1);  // the bench's own environment
    RunResult up = run_qemu_tcg(f.plan("qemu-tcg:upstream-noppoll"), f.setup);
    RunResult wf = run_qemu_tcg(f.plan("qemu-tcg:wfisleep-ppoll:off"), f.setup);
    unsetenv("WFISLEEP_POLICY");
    EXPECT_TRUE(up.ok) << up.error;
    EXPECT_TRUE(wf.ok) << wf.error;
    const std::string log = benchtest::read_file(f.log);
    EXPECT_NE(log.find("policy=<unset> stats=1"), std::string::npos) << log;
    EXPECT_NE(log.find("policy=off stats=1"), std::string::npos) << log;
    EXPECT_EQ(log.find("policy=adaptive"), std::string::npos) << log;
    // The command line: TCG, the guest's workload, no network without ping.
    EXPECT_NE(log.find("-accel tcg,thread=multi"), std::string::npos) << log;
    EXPECT_NE(log.find("wfis.work=cyclictest:threads=1,interval_us=1000,duration_s=1"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("-netdev"), std::string::npos) << log;
    // An upstream build prints no glue line and needs none; waits entered is null.
    EXPECT_FALSE(up.tcg_waits_entered.has_value());
}

TEST(TcgWindow, AGuestErrorOrAMissingMarkFailsTheRun) {
    FakeTcg f;
    setenv("FAKE_TCG_MODE", "nomark", 1);
    RunResult r = run_qemu_tcg(f.plan("qemu-tcg:upstream-ppoll"), f.setup);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("MARK"), std::string::npos) << r.error;
    setenv("FAKE_TCG_MODE", "error", 1);
    r = run_qemu_tcg(f.plan("qemu-tcg:upstream-ppoll"), f.setup);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("bad policy"), std::string::npos) << r.error;
    unsetenv("FAKE_TCG_MODE");
    // A wfisleep build that printed no glue line at exit is a failed run.
    setenv("FAKE_TCG_MODE", "nostats", 1);
    r = run_qemu_tcg(f.plan("qemu-tcg:wfisleep-noppoll:adaptive"), f.setup);
    unsetenv("FAKE_TCG_MODE");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("waits entered"), std::string::npos) << r.error;
}

// ---------------------------------------------------------------- G6

namespace {

const char *const kCt = "linux-cyclictest:hz=1000";
const char *const kUpN = "qemu-tcg:upstream-noppoll";
const char *const kWfN = "qemu-tcg:wfisleep-noppoll:adaptive";
const char *const kUpP = "qemu-tcg:upstream-ppoll";
const char *const kWfP = "qemu-tcg:wfisleep-ppoll:adaptive";

// wfisleep-noppoll's p50/p99/CPU a share of upstream-noppoll's per block,
// wfisleep-ppoll's of upstream-ppoll's, with block drift and small noise;
// `noise` widens the shares' spread.
struct G6Shape {
    double np_p50 = 0.2, np_p99 = 0.3, np_cpu = 1.05, p_p50 = 0.9, p_cpu = 1.0, noise = 0.01;
    int blocks = 6;
};

std::vector<RunResult> g6_runs(const G6Shape &s) {
    std::vector<RunResult> v;
    for (int b = 0; b < s.blocks; b++) {
        const double d = 1 + 0.1 * std::sin(b * 2.4), e = 1 + s.noise * std::sin(b * 1.7);
        auto mk = [&](const char *row, double p50, double p99, double cpu) {
            RunResult r;
            r.plan.scenario = kCt;
            r.plan.governor = row;
            r.plan.repeat = b;
            r.plan.peer = true;
            r.plan.backend = r.backend = Backend::kQemuTcg;
            r.ok = true;
            r.timer_lateness_us = benchtest::lat3(p50, p99, 5000);
            r.workload_cpu_pct = cpu;
            return r;
        };
        v.push_back(mk(kUpN, 500 * d, 3000 * d, 30 * d));
        v.push_back(
            mk(kWfN, 500 * d * s.np_p50 * e, 3000 * d * s.np_p99 * e, 30 * d * s.np_cpu * e));
        v.push_back(mk(kUpP, 100 * d, 900 * d, 40 * d));
        v.push_back(mk(kWfP, 100 * d * s.p_p50 * e, 900 * d, 40 * d * s.p_cpu * e));
    }
    return v;
}

const GoalResult &g6(const std::vector<GoalResult> &goals) {
    for (const auto &g : goals)
        if (g.id == "G6") return g;
    throw std::runtime_error("no G6");
}

}  // namespace

TEST(TcgGoal, G6Met) {
    auto goals = evaluate_goals(summarize(g6_runs({})));
    const auto &g = g6(goals);
    EXPECT_EQ(g.verdict, Verdict::kMet) << format_goals(goals);
    ASSERT_EQ(g.checks.size(), 5u);
    EXPECT_NEAR(g.checks[0].value, 0.2, 0.01);
    EXPECT_DOUBLE_EQ(g.checks[0].bound, 0.5);
    EXPECT_DOUBLE_EQ(g.checks[2].bound, 1.15);
    EXPECT_DOUBLE_EQ(g.checks[3].bound, 1.0);
    EXPECT_EQ(g.checks[0].pairs, 6);
    EXPECT_EQ(g.blocks, 6);
}

TEST(TcgGoal, G6NotMetWhenCpuOrLatencyIsClearlyWorse) {
    G6Shape s;
    s.np_cpu = 1.4;  // the no-ppoll build costs 40% more CPU
    auto goals = evaluate_goals(summarize(g6_runs(s)));
    EXPECT_EQ(g6(goals).verdict, Verdict::kNotMet) << format_goals(goals);
    s = {};
    s.p_p50 = 1.3;  // the ppoll build is slower than upstream
    goals = evaluate_goals(summarize(g6_runs(s)));
    EXPECT_EQ(g6(goals).verdict, Verdict::kNotMet) << format_goals(goals);
}

TEST(TcgGoal, G6InconclusiveWhenAnIntervalStraddlesItsBound) {
    G6Shape s;
    s.np_p50 = 0.5;  // right at the bound, with noise either side
    s.noise = 0.2;
    auto goals = evaluate_goals(summarize(g6_runs(s)));
    EXPECT_EQ(g6(goals).verdict, Verdict::kInconclusive) << format_goals(goals);
    // Fewer than 6 blocks: no interval, so nothing can be met.
    s = {};
    s.blocks = 5;
    goals = evaluate_goals(summarize(g6_runs(s)));
    EXPECT_EQ(g6(goals).verdict, Verdict::kInconclusive) << format_goals(goals);
}

TEST(TcgGoal, G6NotEvaluatedSaysWhy) {
    // The builds or the guest were missing: the reason is carried through.
    auto goals = evaluate_goals({}, false, "real-QEMU builds or guest unavailable: no network");
    EXPECT_EQ(g6(goals).verdict, Verdict::kNotEvaluated);
    ASSERT_FALSE(g6(goals).missing.empty());
    EXPECT_NE(g6(goals).missing[0].find("no network"), std::string::npos);
    // No real-QEMU scenario in the run.
    goals = evaluate_goals({});
    EXPECT_EQ(g6(goals).verdict, Verdict::kNotEvaluated);
    EXPECT_NE(g6(goals).missing[0].find("linux-cyclictest"), std::string::npos);
    // One row missing.
    auto v = g6_runs({});
    v.erase(std::remove_if(v.begin(), v.end(),
                           [](const RunResult &r) { return r.plan.governor == kUpP; }),
            v.end());
    goals = evaluate_goals(summarize(v));
    EXPECT_EQ(g6(goals).verdict, Verdict::kNotEvaluated);
    EXPECT_NE(format_goals(goals).find("no completed 'qemu-tcg:upstream-ppoll' runs"),
              std::string::npos);
    // --quick.
    goals = evaluate_goals(summarize(g6_runs({})), true);
    EXPECT_EQ(g6(goals).verdict, Verdict::kNotEvaluated);
    // At 4 vCPUs it is another scenario.
    v = g6_runs({});
    for (auto &r : v) r.plan.vcpus = 4;
    EXPECT_EQ(g6(evaluate_goals(summarize(v))).verdict, Verdict::kNotEvaluated);
}

// ---------------------------------------------------------------- the binary

TEST(TcgCli, FakeBuildsEndToEnd) {
    FakeTcg f;
    const std::string json_path = f.dir + "/b.json";
    std::string flags;
    for (const auto &b : tcg_build_names())
        flags += " --tcg-qemu " + b + "=" + WFISBENCH_FAKE_QEMU_TCG;
    flags += " --tcg-kernel " + f.setup.paths.kernel + " --tcg-initrd " + f.setup.paths.initrd;
    auto c = benchtest::run_cli(
        WFISBENCH_BIN,
        "--scenario linux-cyclictest --tcg-seconds 1 --repeat 2 --json " + json_path + flags,
        "FAKE_TCG_LOG='" + f.log + "' ");
    ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
    EXPECT_NE(c.out.find("qemu-tcg:wfisleep-noppoll:adaptive"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("not a Mac"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("G6: inconclusive"), std::string::npos) << c.out;  // 2 blocks
    EXPECT_NE(c.out.find("of which real-QEMU (qemu-tcg) runs"), std::string::npos) << c.out;
    const auto j = nlohmann::json::parse(benchtest::read_file(json_path));
    ASSERT_EQ(j.at("runs").size(), 8u);
    for (const auto &r : j["runs"]) {
        EXPECT_EQ(r.at("backend"), "qemu-tcg");
        EXPECT_TRUE(r.at("workload_cpu_pct").is_number()) << r.dump();
        EXPECT_TRUE(r.at("workload_cpu_error_pct").is_number()) << r.dump();
        EXPECT_TRUE(r.at("qemu_tcg").at("main_loop").is_string());
        EXPECT_TRUE(r.at("ping_rtt_us").is_null());
        EXPECT_EQ(r.at("timer_lateness_us").at("count"), 1000);
    }
    EXPECT_EQ(j.at("bench").at("block_qemu_tcg_wall_s").size(), 2u);
    // Builds unavailable: the rows are skipped with the reason, G6 says it.
    c = benchtest::run_cli(WFISBENCH_BIN,
                           "--scenario linux-cyclictest --tcg-seconds 1 --repeat 1 --tcg-kernel " +
                               f.dir + "/missing" + flags.substr(0, flags.find(" --tcg-kernel")) +
                               " --tcg-initrd " + f.setup.paths.initrd,
                           "");
    EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
    EXPECT_NE(c.out.find("skipped: qemu-tcg:upstream-noppoll on linux-cyclictest"),
              std::string::npos)
        << c.out;
    EXPECT_NE(c.out.find("G6: not evaluated"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("guest kernel not found"), std::string::npos) << c.out;
}
