// learned_advance_test.cc - adaptive's learned per-class advance: read from wfisleep-vm's JSON,
// written back in the bench JSON, and shown as the tables' "advance us" column.
#include "learned_advance.h"

#include <gtest/gtest.h>

#include "bench_json.h"
#include "canned_runs.h"
#include "report_markdown.h"
#include "report_table.h"
#include "run.h"
#include "vm_runner.h"

using namespace wfisbench;

namespace {

// Thirteen classes at the start value but for the ones given.
std::vector<uint64_t> classes(std::initializer_list<std::pair<int, uint64_t>> learned) {
    std::vector<uint64_t> v(13, kUntouchedAdvanceNs);
    for (const auto &[c, ns] : learned) v[static_cast<size_t>(c)] = ns;
    return v;
}

RunResult run(const std::string &gov, int block, std::vector<std::vector<uint64_t>> adv) {
    RunResult r;
    r.plan.scenario = "idle:hz=1000";
    r.plan.governor = gov;
    r.plan.repeat = block;
    r.ok = true;
    r.host_cpu_pct = 5;
    r.workload_cpu_pct = 4;
    r.timer_lateness_us = benchtest::lat3(10, 20, 40);
    r.lost_interrupts = 0;
    r.class_advance_ns = std::move(adv);
    return r;
}

// Three blocks of adaptive (run p50 4, 6, 8 us; max 20, 30, 12 us) and one
// of deadline: the column reads median p50 6 / median max 20.
std::vector<RunResult> three_blocks() {
    return {run("adaptive", 0, {classes({{5, 4000}, {6, 20000}}), classes({{5, 4000}})}),
            run("adaptive", 1, {classes({{5, 6000}, {6, 30000}, {0, 2000}})}),
            run("adaptive", 2, {classes({{5, 8000}, {6, 12000}}), classes({{5, 7000}})}),
            run("deadline", 0, {})};
}

}  // namespace

TEST(LearnedAdvance, UntouchedClassesAreLeftOutAndTheRestPooledOverVcpus) {
    EXPECT_FALSE(learned_advance({}).has_value());
    EXPECT_FALSE(learned_advance({classes({}), classes({})}).has_value()) << "nothing learned";
    const auto f = learned_advance({classes({{5, 3000}, {7, 9000}}), classes({{5, 5000}})});
    ASSERT_TRUE(f.has_value());
    EXPECT_DOUBLE_EQ(f->p50_us, 5.0);
    EXPECT_DOUBLE_EQ(f->max_us, 9.0);
    EXPECT_EQ(f->classes, 3);
    const auto even = learned_advance({classes({{1, 3000}, {2, 4000}})});
    ASSERT_TRUE(even.has_value());
    EXPECT_DOUBLE_EQ(even->p50_us, 3.5);
    // Another start value (WFISLEEP_ADAPTIVE_ADVANCE_INIT_NS set): 10 us then counts.
    const auto other = learned_advance({{10000, 20000, 20000}}, 20000);
    ASSERT_TRUE(other.has_value());
    EXPECT_DOUBLE_EQ(other->max_us, 10.0);
}

TEST(LearnedAdvance, TheTableShowsMediansOverBlocksAndADashForOtherGovernors) {
    const std::string t = format_tables(summarize(three_blocks()), 1, 3, false);
    EXPECT_NE(t.find("advance us"), std::string::npos) << t;
    auto line = [&](const std::string &start) {
        const size_t at = t.find("\n" + start) + 1;
        return t.substr(at, t.find('\n', at) - at);
    };
    const std::string head = line("governor "), arow = line("adaptive "), drow = line("deadline ");
    const size_t col = head.find("advance us");
    ASSERT_LT(col, drow.size()) << t;
    EXPECT_EQ(arow.substr(col, 10), "6.00/20.0 ") << t;
    EXPECT_EQ(drow.substr(col, 2), "- ") << t;
    EXPECT_NE(t.find("advance us = adaptive's learned"), std::string::npos) << t;
    // No adaptive row, no column.
    const std::string none = format_tables(summarize({three_blocks()[3]}), 1, 1, false);
    EXPECT_EQ(none.find("advance us"), std::string::npos) << none;
}

TEST(LearnedAdvance, TheMarkdownTableHasTheColumn) {
    Options opt;
    opt.repeat = 3;
    const auto results = three_blocks();
    const auto groups = summarize(results);
    BenchDoc d{opt,     nlohmann::json::object(),
               results, {},
               groups,  evaluate_goals(groups),
               {},      1.0,
               0,       {},
               {},      {},
               {}};
    std::string err;
    const std::string md = results_markdown(bench_json(d), "", &err);
    ASSERT_FALSE(md.empty()) << err;
    EXPECT_NE(md.find(" advance us |"), std::string::npos) << md;
    EXPECT_NE(md.find("| 6.00/20.0 |"), std::string::npos) << md;
    const size_t drow = md.find("| `deadline` |");
    ASSERT_NE(drow, std::string::npos) << md;
    const std::string line = md.substr(drow, md.find('\n', drow) - drow);
    EXPECT_NE(line.find("| - | -"), std::string::npos) << line;
}

TEST(LearnedAdvance, TheVmJsonRoundTripsThroughTheBenchJson) {
    wfisvm::RunResult v;
    v.backend = "kvm";
    v.ok = true;
    v.vcpus = 2;
    v.governor_stats.resize(3);
    for (uint32_t c = 0; c < 13; ++c) {
        v.governor_stats[0].class_advance_ns[c] = 1000 + c;
        v.governor_stats[1].class_advance_ns[c] = 2000 + 7 * c;
    }
    v.governor_stats[0].advance_classes = v.governor_stats[1].advance_classes = 13;
    // The third vCPU ran another policy: no classes, not a row of zeros.
    RunResult r;
    std::string err;
    ASSERT_TRUE(parse_vm_json(wfisvm::run_result_json(v), &r, &err)) << err;
    ASSERT_EQ(r.class_advance_ns.size(), 2u);
    ASSERT_EQ(r.class_advance_ns[1].size(), 13u);
    EXPECT_EQ(r.class_advance_ns[0][12], 1012u);
    EXPECT_EQ(r.class_advance_ns[1][3], 2021u);
    const auto j = run_json(r);
    EXPECT_EQ(j.at("class_advance_ns").get<std::vector<std::vector<uint64_t>>>(),
              r.class_advance_ns);
    RunResult other;
    EXPECT_TRUE(run_json(other).at("class_advance_ns").is_null());
}
