// report_summary_test.cc - the README's short summary from a synthetic bench JSON: the commit,
// the goals table with estimate, interval, pairs and verdict, flagged runs, what the figures mean.
#include "report_summary.h"

#include <gtest/gtest.h>

using nlohmann::json;
using wfisbench::summary_markdown;

namespace {

json doc_with(json goals, json runs, json apart = json::array()) {
    return json{
        {"machine",
         {{"git_commit", "0123456789abcdef"},
          {"date", "2026-01-01T00:00:00Z"},
          {"cpu_model", "Test CPU"},
          {"nproc", 2},
          {"kvm_module", "kvm_pvm"}}},
        {"bench", {{"repeat", 8}, {"seconds", 1.0}}},
        {"runs", runs},
        {"summary",
         json::array({{{"scenario", "idle:hz=1000"},
                       {"governor", "adaptive"},
                       {"workload_cpu_pct", {{"median", 4.5}, {"n", 8}, {"of", 8}}},
                       {"timer_lateness_p50_us", {{"median", 12.0}, {"n", 8}, {"of", 8}}},
                       {"timer_lateness_p99_us", {{"median", 80.0}, {"n", 6}, {"of", 8}}}}})},
        {"goals", goals},
        {"goals_unflagged", apart}};
}

json g1(const char *verdict) {
    return json{{"id", "G1"},
                {"verdict", verdict},
                {"blocks", 8},
                {"missing", json::array()},
                {"checks", json::array({{{"name", "adaptive / inkernel timer lateness p99"},
                                         {"value", 0.805},
                                         {"ci_low", 0.523},
                                         {"ci_high", 1.116},
                                         {"pairs", 7},
                                         {"op", "<="},
                                         {"bound", 0.8},
                                         {"verdict", verdict}}})}};
}

}  // namespace

TEST(BenchSummaryMarkdown, GoalsTableWithEstimateIntervalPairsAndCommit) {
    json runs = json::array({{{"repeat", 5},
                              {"scenario", "idle:hz=1000"},
                              {"governor", "adaptive"},
                              {"disturbed", true},
                              {"disturbed_why", "steal 3.0% (limit 1%)"}},
                             {{"repeat", 1}, {"disturbed", false}}});
    json notev = {{"id", "G2"},
                  {"verdict", "not evaluated"},
                  {"missing", json::array({"scenario idle:hz=1000,host=macos at 1 vCPU(s) not in "
                                           "this run"})},
                  {"checks", json::array()}};
    std::string err;
    const std::string md =
        summary_markdown(doc_with(json::array({g1("inconclusive"), notev}), runs,
                                  json::array({{{"id", "G1"}, {"verdict", "met"}}})),
                         "results/bench.png", "docs/results.md", &err);
    ASSERT_FALSE(md.empty()) << err;
    EXPECT_NE(md.find("commit `0123456789abcdef`"), std::string::npos) << md;
    EXPECT_NE(md.find("in 8 blocks"), std::string::npos) << md;
    EXPECT_NE(md.find("| **G1**: inconclusive | adaptive / inkernel timer lateness p99 | 0.81 | "
                      "[0.52, 1.12] (95%) | 7/8 | <= 0.80 | inconclusive |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| **G2**: not evaluated | scenario idle:hz=1000,host=macos"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("block 5, `idle:hz=1000` / `adaptive`: steal 3.0%"), std::string::npos) << md;
    EXPECT_NE(md.find("without the blocks holding them"), std::string::npos) << md;
    EXPECT_NE(md.find(" G1 met."), std::string::npos) << md;
    EXPECT_NE(md.find("](results/bench.png)"), std::string::npos);
    EXPECT_NE(md.find("[docs/results.md](docs/results.md)"), std::string::npos);
    EXPECT_NE(md.find("What these figures mean, and what they do not."), std::string::npos);
    EXPECT_NE(md.find("not Mac measurements"), std::string::npos);
}

TEST(BenchSummaryMarkdown, WithoutEvaluatedGoalsEachRowsFigures) {
    json notev = {{"id", "G1"}, {"verdict", "not evaluated"}, {"missing", {"x"}}, {"checks", {}}};
    std::string err;
    const std::string md = summary_markdown(doc_with(json::array({notev}), json::array()), "",
                                            "docs/results.md", &err);
    ASSERT_FALSE(md.empty()) << err;
    EXPECT_NE(md.find("| `idle:hz=1000` | `adaptive` | 4.50 | 12.0 | 80.0 [6/8] |"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("flagged disturbed by the rule in docs/bench.md (wake-up probe, steal): "
                      "none."),
              std::string::npos)
        << md;
    EXPECT_EQ(md.find("What these figures mean"), std::string::npos);
    EXPECT_NE(md.find("From one `wfisleep-bench` run"), std::string::npos) << md;

    // Flagged runs in a run without goals: listed, with no line re-judging goals it never had.
    json runs = json::array({{{"repeat", 3},
                              {"scenario", "idle:hz=100"},
                              {"governor", "off"},
                              {"disturbed", true},
                              {"disturbed_why", "steal 4.6% (limit 1%)"}}});
    const std::string flagged_md = summary_markdown(
        doc_with(json::array({notev}), runs, json::array({notev})), "", "docs/results.md", &err);
    EXPECT_NE(flagged_md.find("block 3, `idle:hz=100` / `off`: steal 4.6%"), std::string::npos)
        << flagged_md;
    EXPECT_EQ(flagged_md.find("judged again"), std::string::npos) << flagged_md;
    EXPECT_EQ(summary_markdown(json::object(), "", "x", &err), "");
    EXPECT_FALSE(err.empty());
}
