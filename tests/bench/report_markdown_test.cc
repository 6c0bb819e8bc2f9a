// report_markdown_test.cc - the README results section generated from a bench JSON document.
#include "report_markdown.h"

#include <gtest/gtest.h>

#include "bench_json.h"
#include "canned_runs.h"

using namespace wfisbench;

namespace {

RunResult run(const std::string &scenario, const std::string &gov, double cpu, double p99) {
    RunResult r;
    r.plan.scenario = scenario;
    r.plan.governor = gov;
    r.ok = true;
    r.host_cpu_pct = cpu;
    r.workload_cpu_pct = cpu * 0.9;
    r.timer_lateness_us = benchtest::lat3(p99 / 2, p99, p99 * 2);
    r.lost_interrupts = 0;
    return r;
}

// The results section of a run with no machine facts, skips or notes.
std::string markdown_of(const Options &opt, const std::vector<RunResult> &results,
                        std::string *err) {
    auto groups = summarize(results);
    BenchDoc d{opt,     nlohmann::json::object(),
               results, {},
               groups,  evaluate_goals(groups),
               {},      1.0,
               0,       {},
               {},      {},
               {}};
    return results_markdown(bench_json(d), "", err);
}

}  // namespace

TEST(BenchMarkdown, TablesGoalsSkipsAndPlot) {
    Options opt;
    opt.scenarios = {"idle:hz=1000"};
    opt.governors = {"off", "adaptive"};
    opt.repeat = 1;
    std::vector<RunResult> results = {run("idle:hz=1000", "off", 100, 19),
                                      run("idle:hz=1000", "adaptive", 5.0, 25)};
    std::vector<Skip> skips = {{"idle:hz=1000", "qemu:irqchip=on", "qemu-system-x86_64 not found"}};
    auto groups = summarize(results);
    auto goals = evaluate_goals(groups);
    nlohmann::json machine = {{"date", "2026-01-01T00:00:00Z"},
                              {"cpu_model", "Test CPU"},
                              {"nproc", 2},
                              {"kernel", "Linux 6.1"},
                              {"git_commit", nullptr}};
    BenchDoc d{opt, machine, results, skips, groups, goals, {"a note"}, 3.0, 0, {}, {}, {}, {}};
    std::string err;
    std::string md = results_markdown(bench_json(d), "results/bench.png", &err);
    ASSERT_FALSE(md.empty()) << err;
    EXPECT_NE(md.find("Test CPU"), std::string::npos);
    EXPECT_NE(md.find("**`idle:hz=1000`**"), std::string::npos);
    EXPECT_NE(md.find("| `adaptive` | kvm | 1/1 | 0 | 5.00 | 4.50 | - |"), std::string::npos) << md;
    EXPECT_NE(md.find("| 0.05 |"), std::string::npos) << md;  // 4.5 / 90
    EXPECT_NE(md.find("**G1: not evaluated**"), std::string::npos) << md;
    EXPECT_NE(md.find("missing: scenario idle:hz=250 at 1 vCPU(s) not in this run"),
              std::string::npos)
        << md;
    EXPECT_EQ(md.find("issue 4"), std::string::npos) << md;
    EXPECT_NE(md.find("qemu-system-x86_64 not found"), std::string::npos);
    EXPECT_NE(md.find("- a note"), std::string::npos);
    EXPECT_NE(md.find("](results/bench.png)"), std::string::npos);
    EXPECT_EQ(md.find("gov return p50 us"), std::string::npos) << md;  // no row has it
}

TEST(BenchMarkdown, GovernorReturnColumnsWithADashForPeers) {
    Options opt;
    std::vector<RunResult> results = {run("idle:hz=1000", "adaptive", 5.0, 25),
                                      run("idle:hz=1000", "inkernel", 4.0, 30)};
    results[0].governor_return_late_us = benchtest::lat3(3, 12, 20);
    results[1].plan.peer = true;
    results[1].backend = Backend::kInkernel;
    std::string err;
    const std::string md = markdown_of(opt, results, &err);
    ASSERT_FALSE(md.empty()) << err;
    EXPECT_NE(md.find("| gov return p50 us | gov return p99 us |"), std::string::npos) << md;
    EXPECT_NE(md.find("| 12.5 | 25.0 | 3.00 | 12.0 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| 15.0 | 30.0 | - | - |"), std::string::npos) << md;
}

TEST(BenchMarkdown, RealQemuRowsGetTheirOwnTableOverUpstream) {
    const std::string ct = "linux-cyclictest:hz=1000,threads=1";
    Options opt;
    opt.repeat = 8;
    opt.tcg_repeat = 2;
    opt.tcg_seconds = 5;
    std::vector<RunResult> results;
    for (int b = 0; b < 2; b++)
        for (const char *row :
             {"qemu-tcg:upstream-noppoll", "qemu-tcg:wfisleep-noppoll:adaptive"}) {
            const bool up = std::string(row).find("upstream") != std::string::npos;
            RunResult r = run(ct, row, up ? 40 : 44, up ? 2000 : 400);
            r.plan.repeat = b;
            r.plan.peer = true;
            r.plan.backend = r.backend = Backend::kQemuTcg;
            r.workload_cpu_error_pct = 0.2;
            results.push_back(r);
        }
    std::string err;
    const std::string md = markdown_of(opt, results, &err);
    ASSERT_FALSE(md.empty()) << err;
    // Its own heading (workload length, the real-QEMU block count) and columns.
    EXPECT_NE(md.find("**`" + ct +
                      "`** (real QEMU 10.2, TCG, arm64 Linux guest; 1 vCPU, 5 s "
                      "workload per run; commit `unknown`, 2 blocks)"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| wCPU / upstream | p50 / upstream | p99 / upstream |"), std::string::npos)
        << md;
    EXPECT_EQ(md.find("wCPU / off"), std::string::npos) << md;
    // upstream over itself is "-"; wfisleep's pair both blocks (no "(k/K)"; 2 give no interval).
    EXPECT_NE(md.find("| `qemu-tcg:upstream-noppoll` | 2/2 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| - | - | - |\n"), std::string::npos) << md;
    EXPECT_NE(md.find("| 1.10 | 0.20 | 0.20 |\n"), std::string::npos) << md;
}

TEST(BenchMarkdown, RejectsOtherDocuments) {
    std::string err;
    EXPECT_EQ(results_markdown(nlohmann::json::object(), "", &err), "");
    EXPECT_FALSE(err.empty());
    EXPECT_EQ(results_markdown(nlohmann::json::array(), "", &err), "");
}
