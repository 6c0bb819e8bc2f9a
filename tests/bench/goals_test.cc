// goals_test.cc - the verdict rule and G1-G4 on synthetic paired blocks: met, NOT met,
// inconclusive, not evaluated (missing rows, --quick).
#include "goals.h"

#include <gtest/gtest.h>

#include <cmath>

#include "canned_runs.h"
#include "report_table.h"
#include "scenario_match.h"
#include "summary.h"

using namespace wfisbench;

namespace {

constexpr int kBlocks = 8;
const char *const kIdle = "idle:hz=1000";
const char *const kCrowded = "compute:busy=1,idle=3";
const char *const kSolo = "compute:busy=1,idle=3,idle_hz=0";  // G4's no-tick baseline
const char *const kMac = "idle:hz=1000,host=macos";
const char *const kPing = "pingpong:rate=2000,hz=250,kicks=qemu";

double drift(int b) {  // block-to-block machine drift, +-10%
    return 1 + 0.1 * std::sin(b * 2.399963);
}

RunResult run(const std::string &sc, const std::string &gov, int block) {
    RunResult r;
    r.plan.scenario = sc;
    r.plan.governor = gov;
    r.plan.repeat = block;
    r.plan.peer = gov == "inkernel";
    r.plan.vcpus = sc == kCrowded || sc == kSolo ? 4 : 1;
    r.backend = r.plan.peer ? Backend::kInkernel : Backend::kKvm;
    r.ok = true;
    r.lost_interrupts = 0;
    return r;
}

// Every block: adaptive's p50/p99 a fixed share of inkernel's, its governor
// CPU `gov_cpu`; compute rates adaptive `crowded` x its solo rate.
// G2: adaptive's lateness under the macOS model a share of deadline's and
// qemu11's, its CPU `mac_cpu` x deadline's; G3: adaptive's wake p50 `wake` x
// off's at `ping_cpu` x off's CPU.
struct Shape {
    double p50_share = 0.3, p99_share = 0.6, gov_cpu = 0.5, crowded = 0.99, other = 0.6;
    double mac_p50 = 0.1, mac_p99 = 0.4, mac_cpu = 1.1, wake = 1.0, ping_cpu = 0.2;
    double other_noise = 0;  // the others' compute rate varies by +- this share per block
};

std::vector<RunResult> runs(const Shape &s) {
    std::vector<RunResult> v;
    for (int b = 0; b < kBlocks; b++) {
        const double d = drift(b), e = 1 + 0.01 * std::sin(b * 1.7);
        auto k = run(kIdle, "inkernel", b);
        k.timer_lateness_us = benchtest::lat3(60 * d, 400 * d, 900);
        auto a = run(kIdle, "adaptive", b);
        a.timer_lateness_us =
            benchtest::lat3(60 * d * s.p50_share * e, 400 * d * s.p99_share * e, 900);
        a.governor_cpu_pct = s.gov_cpu * e;
        v.insert(v.end(), {k, a});
        for (const char *g : {"deadline", "qemu11"}) {
            auto x = run(kMac, g, b);
            x.timer_lateness_us = benchtest::lat3(150 * d, 1100 * d, 2000);
            x.workload_cpu_pct = 10 * d;
            v.push_back(x);
        }
        auto am = run(kMac, "adaptive", b);
        am.timer_lateness_us =
            benchtest::lat3(150 * d * s.mac_p50 * e, 1100 * d * s.mac_p99 * e, 2000);
        am.workload_cpu_pct = 10 * d * s.mac_cpu * e;
        auto off = run(kPing, "off", b);
        off.wake_latency_us = benchtest::lat3(20 * d, 60 * d, 100);
        off.workload_cpu_pct = 100 * d;
        auto ap = run(kPing, "adaptive", b);
        ap.wake_latency_us = benchtest::lat3(20 * d * s.wake * e, 60 * d, 100);
        ap.workload_cpu_pct = 100 * d * s.ping_cpu * e;
        v.insert(v.end(), {am, off, ap});
        for (const char *g : {"adaptive", "off", "inkernel"}) {
            auto solo = run(kSolo, g, b);
            solo.work_rate = 320 * d;
            auto crowd = run(kCrowded, g, b);
            const bool ours = std::string(g) == "adaptive";
            crowd.work_rate =
                320 * d * e *
                (ours ? s.crowded : s.other * (1 + s.other_noise * std::sin(b * 2.1)));
            v.insert(v.end(), {solo, crowd});
        }
    }
    return v;
}

const GoalResult &goal(const std::vector<GoalResult> &goals, const std::string &id) {
    for (const auto &g : goals)
        if (g.id == id) return g;
    throw std::runtime_error("no goal " + id);
}

TEST(Verdict, IntervalAgainstBound) {
    EXPECT_EQ(judge(0.5, 0.7, "<=", 0.8), Verdict::kMet);
    EXPECT_EQ(judge(0.85, 0.9, "<=", 0.8), Verdict::kNotMet);
    EXPECT_EQ(judge(0.7, 0.9, "<=", 0.8), Verdict::kInconclusive);
    EXPECT_EQ(judge(0.98, 1.1, ">=", 0.97), Verdict::kMet);
    EXPECT_EQ(judge(0.8, 0.9, ">=", 0.97), Verdict::kNotMet);
    EXPECT_EQ(judge(0.9, 1.0, ">=", 0.97), Verdict::kInconclusive);
    EXPECT_EQ(judge(std::nullopt, std::nullopt, "<=", 1), Verdict::kInconclusive);
    GoalCheck met, bad, unsure;
    met.verdict = Verdict::kMet;
    bad.verdict = Verdict::kNotMet;
    unsure.verdict = Verdict::kInconclusive;
    EXPECT_EQ(combine({met, met}, {}), Verdict::kMet);
    EXPECT_EQ(combine({met, unsure}, {}), Verdict::kInconclusive);
    EXPECT_EQ(combine({unsure, bad}, {}), Verdict::kNotMet);
    EXPECT_EQ(combine({met}, {"no inkernel"}), Verdict::kNotEvaluated);
    EXPECT_EQ(combine({}, {}), Verdict::kNotEvaluated);
}

TEST(Goals, MetWhenEveryIntervalIsOnTheGoodSide) {
    auto goals = evaluate_goals(summarize(runs(Shape{})));
    ASSERT_EQ(goals.size(), 5u);  // G1-G4 and G6
    const auto &g1 = goal(goals, "G1");
    EXPECT_EQ(g1.verdict, Verdict::kMet) << format_goals(goals);
    ASSERT_EQ(g1.checks.size(), 3u);
    EXPECT_NEAR(g1.checks[0].value, 0.6, 0.01);
    EXPECT_EQ(g1.checks[0].op, "<=");
    EXPECT_DOUBLE_EQ(g1.checks[0].bound, 0.8);
    EXPECT_DOUBLE_EQ(g1.checks[2].bound, 2.0);
    const auto &g4 = goal(goals, "G4");
    EXPECT_EQ(g4.verdict, Verdict::kMet) << format_goals(goals);
    EXPECT_NEAR(g4.checks[0].value, 0.99, 0.01);
    EXPECT_EQ(g4.checks.size(), 3u);  // r, vs off, vs inkernel
    ASSERT_EQ(g4.info.size(), 1u);
    EXPECT_NEAR(g4.info[0].value, 0.6, 0.01);  // inkernel's r
    const auto &g2 = goal(goals, "G2");
    EXPECT_EQ(g2.verdict, Verdict::kMet) << format_goals(goals);
    ASSERT_EQ(g2.checks.size(), 5u);  // p50, p99 vs deadline and qemu11; CPU vs deadline
    EXPECT_NEAR(g2.checks[0].value, 0.1, 0.01);
    EXPECT_DOUBLE_EQ(g2.checks[0].bound, 0.2);
    EXPECT_DOUBLE_EQ(g2.checks[4].bound, 1.25);
    const auto &g3 = goal(goals, "G3");
    EXPECT_EQ(g3.verdict, Verdict::kMet) << format_goals(goals);
    ASSERT_EQ(g3.checks.size(), 2u);
    EXPECT_NEAR(g3.checks[1].value, 0.2, 0.01);
    EXPECT_DOUBLE_EQ(g3.checks[1].bound, 0.3);
}

TEST(Goals, G2AndG3NotMet) {
    Shape s;
    s.mac_p99 = 0.9;  // adaptive's p99 wholly above 0.6 x deadline's
    EXPECT_EQ(goal(evaluate_goals(summarize(runs(s))), "G2").verdict, Verdict::kNotMet);
    s = Shape{};
    s.ping_cpu = 0.5;  // half of off's CPU: above 0.3
    EXPECT_EQ(goal(evaluate_goals(summarize(runs(s))), "G3").verdict, Verdict::kNotMet);
    s = Shape{};
    s.wake = 1.1;  // straddles 1.1 with its noise
    EXPECT_EQ(goal(evaluate_goals(summarize(runs(s))), "G3").verdict, Verdict::kInconclusive);
}

TEST(Goals, NotMetAndInconclusive) {
    Shape s;
    s.p99_share = 0.9;  // wholly above 0.8
    EXPECT_EQ(goal(evaluate_goals(summarize(runs(s))), "G1").verdict, Verdict::kNotMet);
    s = Shape{};
    s.gov_cpu = 2.0;  // straddles the 2% bound with its noise
    EXPECT_EQ(goal(evaluate_goals(summarize(runs(s))), "G1").verdict, Verdict::kInconclusive);
    s = Shape{};
    s.crowded = 0.9;
    EXPECT_EQ(goal(evaluate_goals(summarize(runs(s))), "G4").verdict, Verdict::kNotMet);
    s = Shape{};
    s.other = 1.2;  // adaptive significantly slower than off and inkernel
    auto g4 = goal(evaluate_goals(summarize(runs(s))), "G4");
    EXPECT_EQ(g4.verdict, Verdict::kNotMet);
    EXPECT_EQ(g4.checks[1].verdict, Verdict::kNotMet);
}

// A ">=" check is judged on its two-sided interval and prints the estimate:
// adaptive at 0.8 x another governor's rate with wide block noise cannot be
// told apart from 1 (inconclusive, not "met" by the interval's upper end);
// a clearly slower adaptive is NOT met.
TEST(Goals, AtLeastChecksCanFail) {
    Shape s;
    s.other = 0.99 / 0.8;  // adaptive / other = 0.8
    s.other_noise = 0.6;
    auto g4 = goal(evaluate_goals(summarize(runs(s))), "G4");
    ASSERT_EQ(g4.checks.size(), 3u);
    const GoalCheck &vs_off = g4.checks[1];
    EXPECT_EQ(vs_off.op, ">=");
    EXPECT_EQ(vs_off.verdict, Verdict::kInconclusive) << format_goals({g4});
    ASSERT_TRUE(vs_off.ci_low && vs_off.ci_high);
    EXPECT_LT(*vs_off.ci_low, 1.0);
    EXPECT_GT(*vs_off.ci_high, 1.0);
    EXPECT_LT(vs_off.value, *vs_off.ci_high);  // the estimate, not the upper end
    EXPECT_NEAR(vs_off.value, 0.8, 0.15);
    EXPECT_EQ(vs_off.pairs, kBlocks);
    EXPECT_EQ(g4.verdict, Verdict::kInconclusive);
    s.other_noise = 0;
    g4 = goal(evaluate_goals(summarize(runs(s))), "G4");
    EXPECT_EQ(g4.checks[1].verdict, Verdict::kNotMet) << format_goals({g4});
    EXPECT_NEAR(g4.checks[1].value, 0.8, 0.02);
    EXPECT_EQ(g4.verdict, Verdict::kNotMet);
    EXPECT_NE(format_goals({g4}).find("0.80 ["), std::string::npos) << format_goals({g4});
}

// Goal scenarios are matched on every key: a differently written spec of
// the same run counts, a run that differs in one key does not.
TEST(Goals, ScenariosMatchOnEveryKey) {
    auto v = runs(Shape{});
    for (auto &r : v)
        if (r.plan.scenario == kIdle) r.plan.scenario = "idle";
    EXPECT_EQ(goal(evaluate_goals(summarize(v)), "G1").verdict, Verdict::kMet);
    for (auto &r : v)
        if (r.plan.scenario == "idle") r.plan.scenario = "idle:hz=1000,kicks=qemu";
    auto g1 = goal(evaluate_goals(summarize(v)), "G1");
    EXPECT_EQ(g1.verdict, Verdict::kNotEvaluated);
    ASSERT_FALSE(g1.missing.empty());
    EXPECT_NE(g1.missing[0].find("idle:hz=1000 at 1 vCPU"), std::string::npos) << g1.missing[0];
    // Two spellings of one scenario in the same run: which to judge is a guess.
    v = runs(Shape{});
    auto extra = v.front();
    extra.plan.scenario = "idle";
    v.push_back(extra);
    g1 = goal(evaluate_goals(summarize(v)), "G1");
    EXPECT_EQ(g1.verdict, Verdict::kNotEvaluated);
    EXPECT_NE(g1.missing[0].find("both are"), std::string::npos) << g1.missing[0];
    EXPECT_TRUE(
        same_scenario("pingpong:rate=2000,hz=250,kicks=qemu", "pingpong:kicks=qemu,hz=250"));
    EXPECT_FALSE(same_scenario("pingpong:rate=2000,hz=250,kicks=qemu",
                               "pingpong:rate=2000,hz=250,kicks=qemu,dist=fixed"));
    EXPECT_FALSE(same_scenario("compute:busy=1,idle=3", "compute:busy=1,idle=3,idle_hz=0"));
    EXPECT_FALSE(same_scenario("idle:hz=1000", "not a spec"));
}

TEST(Goals, NotEvaluatedSaysWhy) {
    auto v = runs(Shape{});
    std::erase_if(v, [](const RunResult &r) { return r.plan.governor == "inkernel"; });
    auto goals = evaluate_goals(summarize(v));
    const auto &g1 = goal(goals, "G1");
    EXPECT_EQ(g1.verdict, Verdict::kNotEvaluated);
    ASSERT_FALSE(g1.missing.empty());
    EXPECT_NE(g1.missing[0].find("inkernel"), std::string::npos);
    // Without the macOS and pingpong rows, G2 and G3 name the missing scenario.
    std::erase_if(v, [](const RunResult &r) {
        return r.plan.scenario == kMac || r.plan.scenario == kPing || r.plan.scenario == kSolo;
    });
    goals = evaluate_goals(summarize(v));
    for (const char *id : {"G2", "G3", "G4"}) {
        EXPECT_EQ(goal(goals, id).verdict, Verdict::kNotEvaluated);
        ASSERT_FALSE(goal(goals, id).missing.empty());
    }
    EXPECT_NE(goal(goals, "G2").missing[0].find("host=macos"), std::string::npos);
    EXPECT_NE(goal(goals, "G3").missing[0].find("kicks=qemu"), std::string::npos);
    EXPECT_NE(goal(goals, "G4").missing[0].find("idle_hz=0"), std::string::npos);
    // --quick: nothing is judged, the point values are still there.
    auto quick = evaluate_goals(summarize(runs(Shape{})), true);
    EXPECT_EQ(goal(quick, "G1").verdict, Verdict::kNotEvaluated);
    EXPECT_NE(goal(quick, "G1").missing[0].find("quick"), std::string::npos);
    EXPECT_FALSE(goal(quick, "G1").checks[0].ci_low.has_value());
    EXPECT_NE(format_goals(quick).find("G1: not evaluated (quick)"), std::string::npos);
}

TEST(Goals, FailOnGoalsExitStatus) {
    auto with = [](std::vector<Verdict> vs) {
        std::vector<GoalResult> goals;
        for (Verdict v : vs) {
            GoalResult g;
            g.verdict = v;
            goals.push_back(g);
        }
        return goals_exit_status(goals);
    };
    EXPECT_EQ(with({Verdict::kMet, Verdict::kMet}), 0);
    EXPECT_EQ(with({Verdict::kMet, Verdict::kNotEvaluated}), 0);
    EXPECT_EQ(with({}), 0);
    EXPECT_EQ(with({Verdict::kMet, Verdict::kInconclusive}), 4);
    EXPECT_EQ(with({Verdict::kInconclusive, Verdict::kNotMet}), 3);
    EXPECT_EQ(with({Verdict::kNotMet, Verdict::kMet}), 3);
    EXPECT_EQ(goals_exit_status(evaluate_goals(summarize(runs(Shape{})))), 0);
    Shape s;
    s.p99_share = 0.9;
    EXPECT_EQ(goals_exit_status(evaluate_goals(summarize(runs(s)))), 3);
    s = Shape{};
    s.gov_cpu = 2.0;
    EXPECT_EQ(goals_exit_status(evaluate_goals(summarize(runs(s)))), 4);
}

TEST(Goals, FewBlocksAreInconclusive) {
    auto v = runs(Shape{});
    std::erase_if(v, [](const RunResult &r) { return r.plan.repeat >= 5; });
    EXPECT_EQ(goal(evaluate_goals(summarize(v)), "G1").verdict, Verdict::kInconclusive);
}

}  // namespace
