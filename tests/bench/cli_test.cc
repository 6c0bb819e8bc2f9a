// cli_test.cc - the wfisleep-bench binary end to end with a fake VM and QEMU: exit codes, JSON
// shape (every key, types, repeat indices, interleaving), skip reasons, plot files.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_helpers.h"

using benchtest::run_cli;
using nlohmann::json;

namespace {

bool kvm_present() {
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    close(fd);
    return true;
}

struct Fixture {
    std::string dir = benchtest::temp_dir();
    std::string guest = dir + "/guest.elf";
    std::string log = dir + "/vm.log";
    Fixture() { std::ofstream(guest) << "not a kernel: the fake VM never reads it\n"; }
    // The fake VM runs one governor per process: fresh VMs, not A/B.
    std::string fakes() const {
        return std::string("--vm '") + WFISBENCH_FAKE_VM + "' --qemu '" + WFISBENCH_FAKE_QEMU +
               "' --guest '" + guest + "' --no-in-vm-ab ";
    }
    std::string env(const std::string &extra = "") const {
        return "FAKE_VM_LOG='" + log + "' " + extra + " ";
    }
};

void expect_quantiles_or_null(const json &j, const std::string &what) {
    if (j.is_null()) return;
    ASSERT_TRUE(j.is_object()) << what;
    // Quantiles are null below 100 samples (p99.9: 1000).
    for (const char *k : {"p50", "p90", "p99", "p99_9"}) {
        ASSERT_TRUE(j.contains(k)) << what << "." << k;
        EXPECT_TRUE(j[k].is_number() || j[k].is_null()) << what << "." << k;
    }
    for (const char *k : {"max", "count", "missed", "dropped"}) {
        ASSERT_TRUE(j.contains(k)) << what << "." << k;
        EXPECT_TRUE(j[k].is_number()) << what << "." << k;
    }
    ASSERT_TRUE(j.contains("over_us") && j["over_us"].is_object()) << what;
    for (const char *b : {"50", "100", "250", "500", "1000"})
        EXPECT_TRUE(j["over_us"][b].is_number()) << what << ".over_us." << b;
    EXPECT_TRUE(j["exact"].is_boolean()) << what;
}

}  // namespace

TEST(BenchCli, BadFlagsExit2WithOneLine) {
    for (const char *args : {"--bogus", "--seconds 0", "--governor nope", "--plot out.gif",
                             "--scenario 'idle:hz=x'", "--repeat"}) {
        auto c = run_cli(WFISBENCH_BIN, args);
        EXPECT_EQ(c.exit_code, 2) << args;
        EXPECT_EQ(benchtest::count_lines(c.err), 1) << args << ": " << c.err;
        EXPECT_TRUE(c.out.empty()) << args;
    }
}

TEST(BenchCli, HelpExits0) {
    auto c = run_cli(WFISBENCH_BIN, "--help");
    EXPECT_EQ(c.exit_code, 0);
    EXPECT_NE(c.out.find("--peers"), std::string::npos);
}

TEST(BenchCli, MissingVmIsARunFailure) {
    auto c = run_cli(WFISBENCH_BIN, "--vm /nonexistent/wfisleep-vm --governor off");
    EXPECT_EQ(c.exit_code, 1);
    EXPECT_NE(c.err.find("/nonexistent/wfisleep-vm"), std::string::npos) << c.err;
}

TEST(BenchCli, JsonShapeOrderAndRepeats) {
    Fixture f;
    std::string out = f.dir + "/b.json";
    auto c = run_cli(WFISBENCH_BIN,
                     f.fakes() +
                         "--scenario idle:hz=1000 --scenario pingpong:rate=2000 --governor off "
                         "--governor seed:max_us=100 --governor adaptive --repeat 2 --seconds 1 "
                         "--seed 77 --peers --json '" +
                         out + "'",
                     f.env());
    ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
    EXPECT_FALSE(c.err.empty());                        // the progress line
    EXPECT_NE(c.out.find("grace"), std::string::npos);  // says it zeroes the seed's grace
    json j = json::parse(benchtest::read_file(out));

    const json &m = j.at("machine");
    for (const char *k : {"kernel", "cpu_model", "nproc", "kvm_module", "date", "git_commit"})
        EXPECT_TRUE(m.contains(k)) << k;
    EXPECT_TRUE(m["nproc"].is_number_integer());
    EXPECT_EQ(j.at("seed"), 77);
    EXPECT_EQ(j.at("bench").at("seed"), 77);

    EXPECT_TRUE(j.at("machine").at("steal_seen").is_boolean());
    EXPECT_TRUE(j.at("bench").at("flagged_blocks").is_array());
    EXPECT_TRUE(j.at("goals_unflagged").is_array());
    const json &runs = j.at("runs");
    ASSERT_TRUE(runs.is_array());
    const bool kvm = kvm_present();
    // Ours: 2 scenarios x 3 governors x 2 repeats; peers only with /dev/kvm: idle gets all
    // four, pingpong none (QEMU: our device; the fake VM refuses inkernel pingpong).
    size_t expect = 12 + (kvm ? 8 : 0);
    ASSERT_EQ(runs.size(), expect) << runs.dump(1);
    std::vector<std::string> seq;
    for (size_t i = 0; i < runs.size(); i++) {
        const json &r = runs[i];
        for (const char *k : {"scenario", "governor", "backend", "vcpus", "seconds", "host_cpu_pct",
                              "timer_lateness_us", "wake_latency_us", "work_rate",
                              "lost_interrupts", "exits", "repeat", "order", "workload_cpu_pct",
                              "governor_cpu_pct", "kvm_halt_poll_ns", "runq_wait_pct", "disturbed"})
            ASSERT_TRUE(r.contains(k)) << i << " " << k;
        for (const char *k : {"workload_cpu_pct", "governor_cpu_pct", "kvm_halt_poll_ns"})
            EXPECT_TRUE(r[k].is_null() || r[k].is_number()) << i << " " << k;
        EXPECT_TRUE(r["disturbed"].is_boolean());
        // Disturbance seen from outside the VM: steal and the wake-up probe.
        EXPECT_TRUE(r["steal_pct"].is_null() || r["steal_pct"].is_number()) << i;
        ASSERT_TRUE(r["probe"].is_object()) << i;
        for (const char *k : {"count", "p50_us", "p99_us", "max_us", "over_1ms", "realtime"})
            EXPECT_TRUE(r["probe"].contains(k)) << i << " probe." << k;
        EXPECT_EQ(r["disturbed_why"].is_string(), r["disturbed"].get<bool>()) << i;
        EXPECT_TRUE(r["scenario"].is_string());
        EXPECT_TRUE(r["governor"].is_string());
        std::string backend = r["backend"];
        EXPECT_TRUE(backend == "kvm" || backend == "inkernel" || backend == "qemu" ||
                    backend == "simulated")
            << backend;
        EXPECT_TRUE(r["vcpus"].is_number_integer());
        EXPECT_EQ(r["seconds"], 1);
        EXPECT_TRUE(r["host_cpu_pct"].is_number());
        expect_quantiles_or_null(r["timer_lateness_us"], "timer_lateness_us");
        EXPECT_FALSE(r["timer_lateness_us"].is_null());
        expect_quantiles_or_null(r["wake_latency_us"], "wake_latency_us");
        EXPECT_TRUE(r["work_rate"].is_null() || r["work_rate"].is_number());
        EXPECT_TRUE(r["exits"].is_null() || r["exits"].is_number_integer());
        EXPECT_TRUE(r["repeat"].is_number_integer());
        if (i > 0) {
            EXPECT_GT(r["order"].get<int>(), runs[i - 1]["order"].get<int>());
        }
        EXPECT_EQ(r["status"], "ok");
        if (backend == "qemu") {
            EXPECT_TRUE(r["wake_latency_us"].is_null());
            EXPECT_TRUE(r["exits"].is_null());
            EXPECT_TRUE(r["lost_interrupts"].is_null());
        } else {
            EXPECT_TRUE(r["lost_interrupts"].is_number_integer());
        }
        if (r["governor"] == "seed:max_us=100") {  // echoed as given; what ran is recorded
            EXPECT_EQ(r["vm_governor"], "seed:max_us=100,grace_ms=0");
        }
        if (r["scenario"] == "pingpong:rate=2000" && backend != "qemu") {
            EXPECT_FALSE(r["wake_latency_us"].is_null());
        }
        seq.push_back(r["scenario"].get<std::string>() + "|" + r["governor"].get<std::string>());
    }
    // Block 0 then block 1, each holding every pair once, in its own order.
    size_t half = runs.size() / 2;
    std::vector<std::string> first(seq.begin(), seq.begin() + static_cast<long>(half)),
        second(seq.begin() + static_cast<long>(half), seq.end());
    for (size_t i = 0; i < half; i++) {
        EXPECT_EQ(runs[i]["repeat"], 0) << i;
        EXPECT_EQ(runs[half + i]["repeat"], 1) << i;
    }
    EXPECT_NE(first, second);  // permuted per block (this seed's two orders differ)
    std::sort(first.begin(), first.end());
    std::sort(second.begin(), second.end());
    EXPECT_EQ(first, second);
    EXPECT_EQ(std::adjacent_find(first.begin(), first.end()), first.end());
    // The fake VM saw the same order.
    EXPECT_EQ(benchtest::count_lines(benchtest::read_file(f.log)),
              static_cast<int>(runs.size() - (kvm ? 4 : 0)) + (kvm ? 2 : 0));

    // Every skipped peer has a reason.
    const json &skipped = j.at("bench").at("skipped");
    EXPECT_FALSE(skipped.empty());
    for (const auto &s : skipped) {
        EXPECT_FALSE(s.at("reason").get<std::string>().empty());
        if (!kvm) {
            EXPECT_NE(s["reason"].get<std::string>().find("/dev/kvm"), std::string::npos);
        }
    }
    if (kvm) {
        bool qemu_pp = false, inkernel_pp = false;
        for (const auto &s : skipped) {
            qemu_pp = qemu_pp ||
                      (s["scenario"] == "pingpong:rate=2000" && s["governor"] == "qemu:irqchip=on");
            inkernel_pp = inkernel_pp ||
                          (s["scenario"] == "pingpong:rate=2000" && s["governor"] == "inkernel");
        }
        EXPECT_TRUE(qemu_pp);
        EXPECT_TRUE(inkernel_pp);  // refused by the VM (exit 2): a skip, not a failure
    }
    // Pooled exact samples per row: a CDF on a 1-2-5 grid ending at 1.
    for (const auto &row : j.at("summary")) {
        if (row["backend"] == "qemu") continue;
        const json &cdf = row.at("timer_lateness_cdf");
        ASSERT_TRUE(cdf.is_array() && !cdf.empty()) << row.dump();
        EXPECT_DOUBLE_EQ(cdf.back()[1].get<double>(), 1.0) << row.dump();
        EXPECT_EQ(row.at("timer_lateness_pooled_us").at("count"), 3 * 2) << row.dump();
    }
    // Summary and goals are there too.
    ASSERT_EQ(j.at("goals").size(), 6u);  // G1-G5 and G6
    for (const auto &g : j["goals"]) {
        for (const char *k : {"id", "title", "verdict", "missing", "checks"})
            ASSERT_TRUE(g.contains(k)) << k << " " << g.dump();
        std::string v = g["verdict"];
        EXPECT_TRUE(v == "met" || v == "not met" || v == "inconclusive" || v == "not evaluated");
        EXPECT_TRUE(g["missing"].is_array());
        for (const auto &chk : g["checks"]) {
            for (const char *k : {"name", "value", "ci_low", "ci_high", "op", "bound", "verdict"})
                ASSERT_TRUE(chk.contains(k)) << k << " " << chk.dump();
            EXPECT_TRUE(chk["op"] == "<=" || chk["op"] == ">=");
            EXPECT_TRUE(chk["bound"].is_number());
        }
    }
    EXPECT_EQ(j["goals"][0]["id"], "G1");
    EXPECT_FALSE(j.at("summary").empty());
}

TEST(BenchCli, FailedAndLostRunsExit1) {
    Fixture f;
    std::string out = f.dir + "/f.json";
    auto c = run_cli(WFISBENCH_BIN,
                     f.fakes() +
                         "--governor off --governor adaptive --scenario idle:hz=1000 "
                         "--repeat 1 --json '" +
                         out + "'",
                     f.env("FAKE_VM_FAIL=adaptive"));
    EXPECT_EQ(c.exit_code, 1) << c.out << c.err;
    EXPECT_NE(c.err.find("triple fault"), std::string::npos) << c.err;
    json j = json::parse(benchtest::read_file(out));
    ASSERT_EQ(j["runs"].size(), 2u);
    EXPECT_EQ(j["runs"][0]["status"], "ok");
    EXPECT_EQ(j["runs"][1]["status"], "error");
    EXPECT_NE(j["runs"][1]["error"].get<std::string>().find("triple fault"), std::string::npos);
    EXPECT_EQ(j["bench"]["exit_status"], 1);

    c = run_cli(WFISBENCH_BIN, f.fakes() + "--governor off --scenario idle:hz=1000 --repeat 1",
                f.env("FAKE_VM_LOST=off"));
    EXPECT_EQ(c.exit_code, 1);
    EXPECT_NE(c.out.find("LOST 3"), std::string::npos) << c.out;
}

TEST(BenchCli, GoalsArePrintedWithNumbers) {
    Fixture f;
    auto c = run_cli(WFISBENCH_BIN,
                     f.fakes() +
                         "--scenario idle:hz=1000 --governor off --governor adaptive "
                         "--governor deadline --governor seed:max_us=100 --repeat 1",
                     f.env());
    ASSERT_EQ(c.exit_code, 0) << c.err;
    // G1 needs idle at 250 Hz as well: not asked for, so it cannot be judged, and says why.
    EXPECT_NE(c.out.find("G1: not evaluated"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("missing: scenario idle:hz=250 at 1 vCPU(s) not in this run"),
              std::string::npos)
        << c.out;
    EXPECT_NE(c.out.find("adaptive's own return p50 <= 2 us"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("G2: not evaluated"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("host-timer model"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("G3: not evaluated"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("G4: not evaluated"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("G5: not evaluated"), std::string::npos) << c.out;
    // Nothing evaluated, nothing failed: --fail-on-goals keeps exit 0.
    c = run_cli(WFISBENCH_BIN,
                f.fakes() +
                    "--scenario idle:hz=1000 --governor adaptive --repeat 1 "
                    "--fail-on-goals",
                f.env());
    EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
    // --quick: 3 blocks, no intervals, nothing judged.
    std::string json_path = f.dir + "/q.json";
    c = run_cli(WFISBENCH_BIN,
                f.fakes() + "--scenario idle:hz=1000 --governor off --governor adaptive --quick " +
                    "--json '" + json_path + "'",
                f.env());
    ASSERT_EQ(c.exit_code, 0) << c.err;
    EXPECT_NE(c.out.find("x 3 block(s)"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("quick run (--quick)"), std::string::npos) << c.out;
    json j = json::parse(benchtest::read_file(json_path));
    EXPECT_TRUE(j["bench"]["quick"].get<bool>());
    for (const auto &g : j["goals"]) {
        EXPECT_EQ(g["verdict"], "not evaluated") << g.dump();
        EXPECT_TRUE(g["missing"].is_array());
    }
}

TEST(BenchCli, PlotsPngAndSvg) {
    if (!std::filesystem::exists("/usr/bin/gnuplot")) GTEST_SKIP() << "gnuplot not installed";
    Fixture f;
    for (const char *ext : {"png", "svg"}) {
        std::string plot = f.dir + "/p." + ext;
        auto c = run_cli(WFISBENCH_BIN,
                         f.fakes() +
                             "--scenario idle:hz=1000 --scenario pingpong:rate=2000 "
                             "--governor off --governor adaptive --repeat 1 --plot '" +
                             plot + "'",
                         f.env());
        ASSERT_EQ(c.exit_code, 0) << c.err;
        std::string data = benchtest::read_file(plot);
        ASSERT_FALSE(data.empty()) << c.out;
        if (std::string(ext) == "png") {
            EXPECT_EQ(data.substr(1, 3), "PNG");
        } else {
            EXPECT_NE(data.find("<svg"), std::string::npos);
        }
    }
}

TEST(BenchCli, ReportRedrawsThePlotFromTheJson) {
    if (!std::filesystem::exists("/usr/bin/gnuplot")) GTEST_SKIP() << "gnuplot not installed";
    Fixture f;
    const std::string json_path = f.dir + "/b.json", png = f.dir + "/again.png";
    auto c = run_cli(WFISBENCH_BIN,
                     f.fakes() +
                         "--scenario idle:hz=1000 --scenario compute:busy=1,idle=1 "
                         "--governor off --governor adaptive --repeat 2 --json '" +
                         json_path + "'",
                     f.env());
    ASSERT_EQ(c.exit_code, 0) << c.err;
    auto r = run_cli(WFISBENCH_REPORT_BIN, "--plot '" + png + "' '" + json_path + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(benchtest::read_file(png).substr(1, 3), "PNG");
    // Bad input: one line naming the input.
    auto bad_ext = run_cli(WFISBENCH_REPORT_BIN, "--plot out.gif '" + json_path + "'");
    EXPECT_EQ(bad_ext.exit_code, 2);
    EXPECT_NE(bad_ext.err.find(".png or .svg"), std::string::npos) << bad_ext.err;
    std::ofstream(f.dir + "/not.json") << "[1, 2]\n";
    auto bad_doc = run_cli(WFISBENCH_REPORT_BIN, "--plot '" + png + "' '" + f.dir + "/not.json'");
    EXPECT_EQ(bad_doc.exit_code, 1);
    EXPECT_NE(bad_doc.err.find("not a wfisleep-bench JSON"), std::string::npos) << bad_doc.err;
    EXPECT_EQ(benchtest::count_lines(bad_doc.err), 1);
}
