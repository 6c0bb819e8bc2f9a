// summary_goals_test.cc - median (min-max), ratios and the tables on canned run results.
#include <gtest/gtest.h>

#include "canned_runs.h"
#include "goals.h"
#include "report_reference.h"
#include "report_table.h"
#include "summary.h"

using namespace wfisbench;

namespace {

RunResult run(const std::string &scenario, const std::string &gov, double cpu, double p50,
              double p99, int repeat = 0) {
    RunResult r;
    r.plan.scenario = scenario;
    r.plan.governor = gov;
    r.plan.repeat = repeat;
    r.plan.peer = gov.rfind("inkernel", 0) == 0 || gov.rfind("qemu:", 0) == 0;
    r.plan.vcpus = scenario.rfind("compute:busy=1,idle=3", 0) == 0 ? 4 : 1;
    r.backend = r.plan.peer ? Backend::kInkernel : Backend::kKvm;
    r.ok = true;
    r.host_cpu_pct = cpu;
    r.timer_lateness_us = benchtest::lat3(p50, p99, p99 * 2);
    r.lost_interrupts = 0;
    return r;
}

RunResult with_wake(RunResult r, double p50) {
    r.wake_latency_us = benchtest::lat3(p50, p50 * 3, p50 * 10);
    return r;
}

}  // namespace

TEST(BenchSummary, MedianMinMax) {
    EXPECT_FALSE(range_of({}).has_value());
    auto r = range_of({5, 1, 3});
    ASSERT_TRUE(r);
    EXPECT_DOUBLE_EQ(r->median, 3);
    EXPECT_DOUBLE_EQ(r->min, 1);
    EXPECT_DOUBLE_EQ(r->max, 5);
    EXPECT_EQ(r->n, 3);
    EXPECT_DOUBLE_EQ(range_of({4, 1, 3, 10})->median, 3.5);
}

// A median over blocks says how many had a value; the n behind the
// percentiles (samples and missed ticks per run) is kept beside them.
TEST(BenchSummary, MediansSayHowManyRunsHadAValue) {
    std::vector<RunResult> v;
    for (int b = 0; b < 4; b++) v.push_back(run("idle:hz=1000", "adaptive", 5, 9, 20 + b, b));
    v[1].timer_lateness_us->p99.reset();
    v[3].timer_lateness_us->missed = 6;
    auto g = summarize(v);
    ASSERT_EQ(g.size(), 1u);
    auto p99 = g[0].get(Metric::kLateP99);
    ASSERT_TRUE(p99);
    EXPECT_EQ(p99->n, 3);
    EXPECT_EQ(p99->of, 4);
    EXPECT_EQ(fmt_range(p99), "22.0 (20.0-23.0) [3/4]");
    EXPECT_EQ(fmt_range(g[0].get(Metric::kLateP50)), "9.00 (9.00-9.00)");  // all 4: no suffix
    EXPECT_DOUBLE_EQ(g[0].get(Metric::kLateCount)->median, 1000);
    EXPECT_DOUBLE_EQ(g[0].get(Metric::kLateMissed)->max, 6);
    const std::string t = format_tables(g, 1, 4, true);
    EXPECT_NE(t.find("[3/4]"), std::string::npos) << t;
    EXPECT_NE(t.find("1000 (0)"), std::string::npos) << t;
}

TEST(BenchSummary, GroupsKeepOrderAndIgnoreFailedRunsFigures) {
    std::vector<RunResult> v = {
        run("idle:hz=1000", "off", 100, 12, 19, 0), run("idle:hz=1000", "adaptive", 5, 9, 25, 0),
        run("idle:hz=1000", "off", 90, 12, 19, 1), run("idle:hz=1000", "adaptive", 7, 9, 25, 1),
        run("idle:hz=1000", "adaptive", 1000, 9, 25, 2)};
    v.back().ok = false;
    v.back().lost_interrupts = 4;
    auto g = summarize(v);
    ASSERT_EQ(g.size(), 2u);
    EXPECT_EQ(g[0].governor, "off");
    EXPECT_EQ(g[1].governor, "adaptive");
    EXPECT_EQ(g[1].runs, 3);
    EXPECT_EQ(g[1].ok_runs, 2);
    EXPECT_EQ(g[1].lost, 4);
    EXPECT_DOUBLE_EQ(g[1].get(Metric::kCpu)->median, 6);
    EXPECT_DOUBLE_EQ(g[1].get(Metric::kCpu)->max, 7);
    EXPECT_DOUBLE_EQ(*ratio(g, g[1], "off", Metric::kCpu), 6.0 / 95.0);
    EXPECT_FALSE(ratio(g, g[1], "seed:max_us=100", Metric::kCpu).has_value());
}

TEST(BenchSummary, KeyMetricPerScenario) {
    EXPECT_EQ(key_metric("idle:hz=1000"), Metric::kLateP99);
    EXPECT_EQ(key_metric("pingpong:rate=2000"), Metric::kWakeP50);
    EXPECT_EQ(key_metric("compute:busy=1,idle=3"), Metric::kWorkRate);
}

TEST(BenchTable, ShowsMedianRangeAndRatiosWithIntervals) {
    std::vector<RunResult> v;
    for (int b = 0; b < 8; b++) {
        // off at 100% and adaptive at 5.5 + b/4 %: ratios 0.055 .. 0.0725.
        auto off = run("idle:hz=1000", "off", 100, 12, 19, b);
        auto ad = run("idle:hz=1000", "adaptive", 5.5 + b / 4.0, 9, 25, b);
        off.workload_cpu_pct = 100;
        ad.workload_cpu_pct = 5.5 + b / 4.0;
        v.push_back(off);
        v.push_back(ad);
    }
    v.push_back(with_wake(run("pingpong:rate=2000", "off", 100, 12, 19), 30));
    std::string t = format_tables(summarize(v), 1, 8);
    EXPECT_NE(t.find("6.38 (5.50-7.25)"), std::string::npos) << t;
    EXPECT_NE(t.find("wCPU/off"), std::string::npos);
    EXPECT_NE(t.find("0.06 [0.06, 0.07]"), std::string::npos) << t;
    EXPECT_NE(t.find("Wilcoxon"), std::string::npos);
    EXPECT_NE(t.find("== pingpong:rate=2000"), std::string::npos);
    std::string q = format_tables(summarize(v), 1, 8, false);
    EXPECT_EQ(q.find("[0.06"), std::string::npos) << q;
    EXPECT_NE(q.find("--quick"), std::string::npos);
}

TEST(BenchSummary, RowsFollowTheDeclaredOrderNotTheRunOrder) {
    std::vector<RunResult> v = {
        run("pingpong:rate=2000", "adaptive", 5, 9, 25), run("idle:hz=1000", "inkernel", 5, 9, 25),
        run("idle:hz=1000", "adaptive", 5, 9, 25), run("idle:hz=1000", "off", 5, 9, 25)};
    auto g = summarize(v);
    order_groups(&g, {"idle:hz=1000", "pingpong:rate=2000"}, {"off", "adaptive", "inkernel"});
    ASSERT_EQ(g.size(), 4u);
    EXPECT_EQ(g[0].governor, "off");
    EXPECT_EQ(g[1].governor, "adaptive");
    EXPECT_EQ(g[2].governor, "inkernel");
    EXPECT_EQ(g[3].scenario, "pingpong:rate=2000");
}

// The governor's own return lateness: columns only when a row has it, "-"
// for rows without (peers, off), and its ratios in the sweep tables.
TEST(BenchTable, GovernorReturnLatenessColumnsAndReferenceRatios) {
    std::vector<RunResult> v = {
        run("idle:hz=1000", "off", 100, 12, 19), run("idle:hz=1000", "deadline", 5, 50, 70),
        run("idle:hz=1000", "adaptive", 6, 45, 60), run("idle:hz=1000", "inkernel", 4, 40, 50)};
    v[1].governor_return_late_us = benchtest::lat3(8, 40, 90);
    v[2].governor_return_late_us = benchtest::lat3(2, 20, 30);
    auto g = summarize(v);
    EXPECT_DOUBLE_EQ(g[2].get(Metric::kGovReturnP50)->median, 2);
    EXPECT_DOUBLE_EQ(g[2].get(Metric::kGovReturnP99)->median, 20);
    EXPECT_FALSE(g[3].get(Metric::kGovReturnP50).has_value());
    EXPECT_STREQ(metric_label(Metric::kGovReturnP99), "governor return late p99 us");
    std::string t = format_tables(g, 1, 1, false);
    EXPECT_NE(t.find("gov return p50 us"), std::string::npos) << t;
    EXPECT_NE(t.find("before the VM entry"), std::string::npos) << t;
    std::string md = format_reference_tables(g, "deadline", false, "abc123");
    EXPECT_NE(md.find("; commit `abc123`)"), std::string::npos) << md;
    EXPECT_NE(format_tables(g, 1, 1, false, "abc123").find(", commit abc123;"), std::string::npos);
    EXPECT_NE(md.find("| return p50 / ref | return p99 / ref |"), std::string::npos) << md;
    // adaptive over deadline: 2 / 8 and 20 / 40; the peer has none.
    EXPECT_NE(md.find("| `adaptive` | 45.0 | 60.0 | 2.00 | 20.0 | - | - | 0.90 | 0.86 | 0.25 | "
                      "0.50 |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| `inkernel` | 40.0 | 50.0 | - | - |"), std::string::npos) << md;
    // Older runs (no such figure anywhere): no columns.
    v[1].governor_return_late_us.reset();
    v[2].governor_return_late_us.reset();
    EXPECT_EQ(format_tables(summarize(v), 1, 1, false).find("gov return"), std::string::npos);
}
