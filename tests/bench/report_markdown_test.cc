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
    auto groups = summarize(results);
    BenchDoc d{opt,     nlohmann::json::object(),
               results, {},
               groups,  evaluate_goals(groups),
               {},      1.0,
               0,       {},
               {},      {},
               {}};
    std::string err;
    std::string md = results_markdown(bench_json(d), "", &err);
    ASSERT_FALSE(md.empty()) << err;
    EXPECT_NE(md.find("| gov return p50 us | gov return p99 us |"), std::string::npos) << md;
    EXPECT_NE(md.find("| 12.5 | 25.0 | 3.00 | 12.0 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| 15.0 | 30.0 | - | - |"), std::string::npos) << md;
}

TEST(BenchMarkdown, RejectsOtherDocuments) {
    std::string err;
    EXPECT_EQ(results_markdown(nlohmann::json::object(), "", &err), "");
    EXPECT_FALSE(err.empty());
    EXPECT_EQ(results_markdown(nlohmann::json::array(), "", &err), "");
}
