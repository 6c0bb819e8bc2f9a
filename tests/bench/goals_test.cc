// goals_test.cc - the verdict rule and G1-G4 on synthetic paired blocks: met, NOT met,
// inconclusive, not evaluated (missing rows, part 2's models, --quick).
#include "goals.h"

#include <gtest/gtest.h>

#include <cmath>

#include "canned_runs.h"
#include "report_table.h"
#include "summary.h"

using namespace wfisbench;

namespace {

constexpr int kBlocks = 8;
const char *const kIdle = "idle:hz=1000";
const char *const kCrowded = "compute:busy=1,idle=3";
const char *const kSolo = "compute:busy=1,idle=0";

double drift(int b) {  // block-to-block machine drift, +-10%
    return 1 + 0.1 * std::sin(b * 2.399963);
}

RunResult run(const std::string &sc, const std::string &gov, int block) {
    RunResult r;
    r.plan.scenario = sc;
    r.plan.governor = gov;
    r.plan.repeat = block;
    r.plan.peer = gov == "inkernel";
    r.plan.vcpus = sc == kCrowded ? 4 : 1;
    r.backend = r.plan.peer ? Backend::kInkernel : Backend::kKvm;
    r.ok = true;
    r.lost_interrupts = 0;
    return r;
}

// Every block: adaptive's p50/p99 a fixed share of inkernel's, its governor
// CPU `gov_cpu`; compute rates adaptive `crowded` x its solo rate.
struct Shape {
    double p50_share = 0.3, p99_share = 0.6, gov_cpu = 0.5, crowded = 0.99, other = 0.6;
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
        for (const char *g : {"adaptive", "off", "inkernel"}) {
            auto solo = run(kSolo, g, b);
            solo.work_rate = 320 * d;
            auto crowd = run(kCrowded, g, b);
            crowd.work_rate = 320 * d * e * (std::string(g) == "adaptive" ? s.crowded : s.other);
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
    ASSERT_EQ(goals.size(), 4u);
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

TEST(Goals, NotEvaluatedSaysWhy) {
    auto v = runs(Shape{});
    std::erase_if(v, [](const RunResult &r) { return r.plan.governor == "inkernel"; });
    auto goals = evaluate_goals(summarize(v));
    const auto &g1 = goal(goals, "G1");
    EXPECT_EQ(g1.verdict, Verdict::kNotEvaluated);
    ASSERT_FALSE(g1.missing.empty());
    EXPECT_NE(g1.missing[0].find("inkernel"), std::string::npos);
    for (const char *id : {"G2", "G3"}) {
        EXPECT_EQ(goal(goals, id).verdict, Verdict::kNotEvaluated);
        EXPECT_FALSE(goal(goals, id).missing.empty());
    }
    // --quick: nothing is judged, the point values are still there.
    auto quick = evaluate_goals(summarize(runs(Shape{})), true);
    EXPECT_EQ(goal(quick, "G1").verdict, Verdict::kNotEvaluated);
    EXPECT_NE(goal(quick, "G1").missing[0].find("quick"), std::string::npos);
    EXPECT_FALSE(goal(quick, "G1").checks[0].ci_low.has_value());
    EXPECT_NE(format_goals(quick).find("G1: not evaluated (quick)"), std::string::npos);
}

TEST(Goals, FewBlocksAreInconclusive) {
    auto v = runs(Shape{});
    std::erase_if(v, [](const RunResult &r) { return r.plan.repeat >= 5; });
    EXPECT_EQ(goal(evaluate_goals(summarize(v)), "G1").verdict, Verdict::kInconclusive);
}

}  // namespace
