// summary_goals_test.cc - median (min-max), ratios and the four goals on canned run results.
#include <gtest/gtest.h>

#include "canned_runs.h"
#include "goals.h"
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

RunResult with_work(RunResult r, double rate) {
    r.work_rate = rate;
    return r;
}

// A run in which every goal holds, with figures shaped like anchors.md's prototype.
std::vector<RunResult> good_run() {
    const std::string idle = "idle:hz=1000", pp = "pingpong:rate=2000";
    std::vector<RunResult> v = {
        run(idle, "off", 100, 12, 19),
        run(idle, "seed:max_us=100", 17.5, 66, 125),
        run(idle, "adaptive", 5.5, 9, 25),
        run(idle, "deadline", 5.0, 70, 112),
        run(idle, "inkernel", 6.6, 8, 18),
        with_wake(run(pp, "off", 100, 12, 19), 30),
        with_wake(run(pp, "adaptive", 20, 9, 25), 40),
        with_work(run("compute:busy=1,idle=3", "adaptive", 110, 9, 25), 960),
        with_work(run("compute:busy=1,idle=3", "off", 300, 9, 25), 600),
        with_work(run("compute:busy=1,idle=0", "adaptive", 100, 0, 0), 1000),
        with_work(run("compute:busy=1,idle=0", "off", 100, 0, 0), 1010),
    };
    return v;
}

const GoalResult &goal(const std::vector<GoalResult> &g, int id) {
    return g.at(id - 1);
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

TEST(BenchGoals, AllMetOnAGoodRun) {
    auto goals = evaluate_goals(summarize(good_run()));
    ASSERT_EQ(goals.size(), 4u);
    for (const auto &g : goals) {
        EXPECT_EQ(g.status, GoalStatus::kMet) << g.id << " " << g.missing;
        EXPECT_FALSE(g.simulated);
    }
    EXPECT_EQ(goal(goals, 1).checks.size(), 4u);
    EXPECT_EQ(goal(goals, 2).checks.size(), 2u);
    EXPECT_EQ(goal(goals, 4).checks.size(), 2u);
    // Goal 3: adaptive against the pooled solo median (1005), off and seed shown beside it.
    const auto &g3 = goal(goals, 3);
    EXPECT_DOUBLE_EQ(g3.checks[0].reference, 1005);
    EXPECT_FALSE(g3.checks[0].info);
    ASSERT_GE(g3.checks.size(), 2u);
    EXPECT_TRUE(g3.checks[1].info);
    EXPECT_NE(format_goals(goals).find("Goal 1: met"), std::string::npos);
}

TEST(BenchGoals, EachThresholdCanFail) {
    // Goal 1: adaptive's CPU above 1.15 x deadline's.
    auto v = good_run();
    v[2].host_cpu_pct = 5.0 * 1.16;
    auto goals = evaluate_goals(summarize(v));
    EXPECT_EQ(goal(goals, 1).status, GoalStatus::kNotMet);
    EXPECT_FALSE(goal(goals, 1).checks[0].pass);
    EXPECT_TRUE(goal(goals, 1).checks[1].pass);
    EXPECT_NE(format_goals(goals).find("Goal 1: NOT met"), std::string::npos);

    // Goal 1: p50 must not exceed off's.
    v = good_run();
    v[2].timer_lateness_us->p50 = 12.5;
    EXPECT_EQ(goal(evaluate_goals(summarize(v)), 1).status, GoalStatus::kNotMet);

    // Goal 2: wake p50 above 1.5 x off's.
    v = good_run();
    v[6].wake_latency_us->p50 = 46;
    EXPECT_EQ(goal(evaluate_goals(summarize(v)), 2).status, GoalStatus::kNotMet);

    // Goal 3: busy rate below 0.95 x solo.
    v = good_run();
    v[7].work_rate = 0.94 * 1005;
    EXPECT_EQ(goal(evaluate_goals(summarize(v)), 3).status, GoalStatus::kNotMet);

    // Goal 4: lateness p99 above 1.5 x inkernel's.
    v = good_run();
    v[4].timer_lateness_us->p99 = 16;
    EXPECT_EQ(goal(evaluate_goals(summarize(v)), 4).status, GoalStatus::kNotMet);
}

TEST(BenchGoals, MissingRunsAreNotEvaluatedAndSaySo) {
    auto v = good_run();
    v.erase(v.begin() + 4);  // no inkernel
    auto goals = evaluate_goals(summarize(v));
    EXPECT_EQ(goal(goals, 4).status, GoalStatus::kNotEvaluated);
    EXPECT_NE(goal(goals, 4).missing.find("inkernel"), std::string::npos);
    EXPECT_EQ(goal(goals, 1).status, GoalStatus::kMet);

    auto all = good_run();
    std::vector<RunResult> only_idle(all.begin(), all.begin() + 5);
    goals = evaluate_goals(summarize(only_idle));
    EXPECT_EQ(goal(goals, 2).status, GoalStatus::kNotEvaluated);
    EXPECT_EQ(goal(goals, 3).status, GoalStatus::kNotEvaluated);
}

TEST(BenchGoals, ScenariosMatchByMeaningAndVcpus) {
    auto v = good_run();
    for (auto &r : v)
        if (r.plan.scenario == "idle:hz=1000") r.plan.scenario = "idle";  // hz defaults to 1000
    EXPECT_EQ(goal(evaluate_goals(summarize(v)), 1).status, GoalStatus::kMet);
    for (auto &r : v)
        if (r.plan.scenario == "idle") r.plan.vcpus = 2;  // goal 1 is about 1 vCPU
    EXPECT_EQ(goal(evaluate_goals(summarize(v)), 1).status, GoalStatus::kNotEvaluated);
}

TEST(BenchGoals, SimulatedRunsAreFlagged) {
    auto v = good_run();
    for (auto &r : v) r.backend = Backend::kSimulated;
    auto goals = evaluate_goals(summarize(v));
    EXPECT_TRUE(goal(goals, 1).simulated);
    EXPECT_NE(format_goals(goals).find("SIMULATED"), std::string::npos);
}

TEST(BenchTable, ShowsMedianRangeAndRatios) {
    auto v = good_run();
    v.push_back(run("idle:hz=1000", "adaptive", 7.5, 9, 25, 1));
    v.push_back(run("idle:hz=1000", "adaptive", 4.5, 9, 25, 2));
    std::string t = format_tables(summarize(v), 1, 3);
    EXPECT_NE(t.find("5.50 (4.50-7.50)"), std::string::npos) << t;
    EXPECT_NE(t.find("CPU/off"), std::string::npos);
    EXPECT_NE(t.find("0.05"), std::string::npos) << t;  // deadline 5 / off 100
    EXPECT_NE(t.find("== pingpong:rate=2000"), std::string::npos);
}
