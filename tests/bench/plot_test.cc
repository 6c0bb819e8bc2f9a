// plot_test.cc - the picture's script from a small bench JSON: medians and rank intervals from
// the block values, workload CPU preferred over host CPU, text labels only for ours and the
// frontier, the CDF panel from the pooled points, compute as bars, bad documents refused.
#include "plot.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "plot_data.h"

using namespace wfisbench;
using nlohmann::json;

namespace {

json run(const std::string &sc, const std::string &gov, double cpu, double p99, int block) {
    return {{"scenario", sc},
            {"governor", gov},
            {"status", "ok"},
            {"repeat", block},
            {"host_cpu_pct", cpu + 50},
            {"workload_cpu_pct", cpu},
            {"timer_lateness_us", {{"p99", p99}}},
            {"wake_latency_us", nullptr},
            {"work_rate", nullptr},
            {"host_timer", {{"kind", "linux"}}}};
}

// idle:hz=1000, 8 blocks each, (workload CPU %, p99 us): off (100, 50) has the
// lowest p99 and adaptive (3, 100) the lowest CPU; adaptive beats deadline
// (5, 2000) and qemu10 (20, 3000) on both: the frontier is off and adaptive.
json doc() {
    json runs = json::array(), summary = json::array();
    struct G {
        const char *name;
        double cpu, p99;
    };
    const G govs[] = {
        {"off", 100, 50}, {"adaptive", 3, 100}, {"deadline", 5, 2000}, {"qemu10", 20, 3000}};
    for (const auto &g : govs) {
        for (int b = 0; b < 8; b++)
            runs.push_back(run("idle:hz=1000", g.name, g.cpu * (1 + 0.01 * b), g.p99 + b, b));
        summary.push_back(
            {{"scenario", "idle:hz=1000"},
             {"governor", g.name},
             {"timer_lateness_cdf", {{g.p99 / 2, 0.5}, {g.p99, 0.99}, {g.p99 * 2, 1}}},
             {"timer_lateness_pooled_us", {{"count", 800}}},
             {"cdf_points_per_decade", 40}});
    }
    return {{"machine", {{"date", "D"}, {"cpu_model", "CPU"}, {"nproc", 2}, {"kernel", "Linux 6"}}},
            {"bench", {{"seconds", 1}, {"repeat", 8}}},
            {"runs", runs},
            {"summary", summary}};
}

}  // namespace

TEST(Plot, DataFromBlockValues) {
    std::string err;
    auto d = plot_data(doc(), &err);
    ASSERT_TRUE(d) << err;
    ASSERT_EQ(d->scenarios.size(), 1u);
    const auto &rows = d->scenarios[0].rows;
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_TRUE(rows[1].ours);
    ASSERT_TRUE(rows[1].cpu && rows[1].late);
    EXPECT_FALSE(rows[1].cpu_is_host);  // workload CPU, not host CPU (+50)
    EXPECT_NEAR(rows[1].cpu->median, 3 * 1.035, 1e-9);
    EXPECT_TRUE(rows[1].cpu->rank);  // 8 blocks: the rank interval [x(1), x(8)]
    EXPECT_DOUBLE_EQ(rows[1].late->low, 100);
    EXPECT_DOUBLE_EQ(rows[1].late->high, 107);
    EXPECT_EQ(rows[1].cdf.size(), 3u);
    EXPECT_FALSE(rows[1].cdf_coarse);
}

TEST(Plot, HostCpuOnlyWhenTheWorkloadWindowIsMissing) {
    json j = doc();
    for (auto &r : j["runs"])
        if (r["governor"] == "qemu10") r["workload_cpu_pct"] = nullptr;
    std::string err;
    auto d = plot_data(j, &err);
    ASSERT_TRUE(d) << err;
    EXPECT_TRUE(d->scenarios[0].rows[3].cpu_is_host);
    EXPECT_DOUBLE_EQ(d->scenarios[0].rows[3].cpu->median, 20 * 1.035 + 50);
    std::string script = plot_script(j, "out.png", &err);
    EXPECT_NE(script.find("host CPU for qemu10"), std::string::npos);
}

TEST(Plot, LabelsOnlyOursAndTheFrontier) {
    std::string err;
    std::string s = plot_script(doc(), "out.png", &err);
    ASSERT_FALSE(s.empty()) << err;
    auto labelled = [&](const std::string &g) {
        return s.find("set label 1 \"" + g + "\"") != std::string::npos ||
               s.find("set label 2 \"" + g + "\"") != std::string::npos ||
               s.find("set label 3 \"" + g + "\"") != std::string::npos;
    };
    EXPECT_TRUE(labelled("adaptive"));
    EXPECT_TRUE(labelled("off"));
    EXPECT_FALSE(labelled("deadline"));  // adaptive is lower on both
    EXPECT_FALSE(labelled("qemu10"));
    // Every governor is in the legend.
    for (const char *g : {"off", "adaptive (ours)", "deadline", "qemu10"})
        EXPECT_NE(s.find(std::string("title \"") + g + "\""), std::string::npos) << g;
    EXPECT_NE(s.find("95% CI of the median"), std::string::npos);
    EXPECT_NE(s.find("fraction of samples later than x"), std::string::npos);
    EXPECT_EQ(s.find("MODEL"), std::string::npos);  // no host=macos rows here
}

TEST(Plot, ComputeAsBarsAndMacosSaysModel) {
    json j = doc();
    for (auto *k : {&j["runs"], &j["summary"]})
        for (auto &r : *k) r["scenario"] = "compute:busy=1,idle=3";
    for (auto &r : j["runs"]) r["work_rate"] = 200;
    j["runs"][0]["scenario"] = "idle:hz=1000,host=macos";
    j["summary"].push_back({{"scenario", "idle:hz=1000,host=macos"}, {"governor", "off"}});
    std::string err;
    std::string s = plot_script(j, "out.svg", &err);
    ASSERT_FALSE(s.empty()) << err;
    EXPECT_NE(s.find("with boxes"), std::string::npos);
    EXPECT_NE(s.find("a MODEL of macOS timer coalescing"), std::string::npos);
    EXPECT_NE(s.find("set terminal svg"), std::string::npos);
}

TEST(Plot, NotABenchDocument) {
    std::string err;
    EXPECT_TRUE(plot_script(json::array(), "out.png", &err).empty());
    EXPECT_NE(err.find("not a wfisleep-bench JSON"), std::string::npos);
    err.clear();
    EXPECT_TRUE(plot_script(json{{"runs", 1}, {"summary", json::array()}}, "o.png", &err).empty());
    EXPECT_FALSE(err.empty());
}

TEST(Plot, TitleGivesTheRealQemuRowsTheirOwnLengthAndBlocks) {
    json d = doc();
    std::string err;
    auto without = plot_data(d, &err);
    ASSERT_TRUE(without) << err;
    EXPECT_EQ(without->title.find("real QEMU"), std::string::npos) << without->title;
    d["bench"]["qemu_tcg"] = {{"seconds", 5}, {"blocks", 6}};
    d["summary"].push_back({{"scenario", "linux-cyclictest:hz=1000,threads=1"},
                            {"governor", "qemu-tcg:upstream-noppoll"},
                            {"backend", "qemu-tcg"}});
    auto with = plot_data(d, &err);
    ASSERT_TRUE(with) << err;
    EXPECT_NE(with->title.find("1 s x 8 blocks per governor; real QEMU 5 s x 6"), std::string::npos)
        << with->title;
}
