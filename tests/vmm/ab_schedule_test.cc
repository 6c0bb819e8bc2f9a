// ab_schedule_test.cc - A/B segment order, whole segments, option checks and ring slicing.
#include "ab_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "run.h"

namespace wfisvm {
namespace {

TEST(AbSchedule, OrderIsDeterministicPerSeed) {
    EXPECT_EQ(ab_segment_order(40, 3, 7), ab_segment_order(40, 3, 7));
    // Some seed among a few gives another order (the seed matters).
    bool differs = false;
    for (uint64_t s = 8; s < 16 && !differs; s++)
        differs = ab_segment_order(40, 3, s) != ab_segment_order(40, 3, 7);
    EXPECT_TRUE(differs);
}

TEST(AbSchedule, EachRoundIsAPermutation) {
    for (uint32_t n : {2u, 3u, 5u}) {
        const auto order = ab_segment_order(10 * n, n, 42);
        ASSERT_EQ(order.size(), 10u * n);
        for (uint32_t round = 0; round < 10; round++) {
            std::vector<uint32_t> r(order.begin() + round * n, order.begin() + (round + 1) * n);
            std::sort(r.begin(), r.end());
            for (uint32_t i = 0; i < n; i++) EXPECT_EQ(r[i], i) << "n " << n << " round " << round;
        }
        for (uint64_t k = 0; k < order.size(); k++)
            EXPECT_EQ(ab_segment_governor(k, n, 42), order[k]);
    }
}

TEST(AbSchedule, RoundsAreNotAllTheSame) {
    const auto order = ab_segment_order(20, 2, 3);
    std::set<uint32_t> firsts;
    for (size_t k = 0; k < order.size(); k += 2) firsts.insert(order[k]);
    EXPECT_EQ(firsts.size(), 2u);  // both governors lead some round
}

TEST(AbSchedule, WholeSegments) {
    EXPECT_EQ(ab_whole_segments(2.0, 250), 8u);
    EXPECT_EQ(ab_whole_segments(1.1, 250), 4u);
    EXPECT_EQ(ab_whole_segments(0.2, 250), 0u);
    EXPECT_EQ(ab_whole_segments(1.0, 0), 0u);
}

RunOptions ab_options(std::vector<std::string> govs) {
    RunOptions o;
    std::string err;
    EXPECT_TRUE(parse_scenario("idle:hz=1000", &o.scenario, &err)) << err;
    for (const auto &g : govs) {
        GovernorSpec s;
        EXPECT_TRUE(parse_governor(g, &s, &err)) << err;
        o.ab_governors.push_back(s);
    }
    o.seconds = 2;
    return o;
}

TEST(AbSchedule, OptionErrorsNameTheValue) {
    EXPECT_EQ(ab_options_error(ab_options({"adaptive", "qemu11"})), "");
    EXPECT_NE(ab_options_error(ab_options({"adaptive"})).find("at least 2"), std::string::npos);
    EXPECT_NE(ab_options_error(ab_options({"adaptive", "adaptive"})).find("given twice"),
              std::string::npos);
    RunOptions o = ab_options({"adaptive", "qemu11"});
    o.mode = Mode::kInkernel;
    EXPECT_NE(ab_options_error(o).find("inkernel"), std::string::npos);
    o = ab_options({"adaptive", "qemu11"});
    o.settle_ms = 250;
    EXPECT_NE(ab_options_error(o).find("--settle-ms 250"), std::string::npos);
    o = ab_options({"adaptive", "qemu11"});
    o.segment_ms = 1500;  // one whole segment in 2 s, for two governors
    EXPECT_NE(ab_options_error(o).find("1 whole segment"), std::string::npos);
    o = ab_options({"adaptive", "qemu11"});
    o.segment_ms = 5;
    EXPECT_NE(ab_options_error(o).find("--segment-ms 5"), std::string::npos);
    o = ab_options({"adaptive", "qemu11"});
    std::string err;
    ASSERT_TRUE(parse_scenario("compute", &o.scenario, &err)) << err;
    EXPECT_NE(ab_options_error(o).find("compute cannot run A/B"), std::string::npos);
}

TEST(AbSchedule, RingSlicesFollowTheCountedParts) {
    // Ten samples; the counted parts skip each segment's settle samples.
    std::vector<int64_t> s = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    std::vector<std::vector<int64_t>> out(2);
    split_ring_samples(s, {{0, 1, 4}, {1, 5, 8}, {0, 9, 10}}, &out);
    EXPECT_EQ(out[0], (std::vector<int64_t>{1, 2, 3, 9}));
    EXPECT_EQ(out[1], (std::vector<int64_t>{5, 6, 7}));
}

TEST(AbSchedule, RingSlicesDistrustTheGuestsCounts) {
    std::vector<int64_t> s = {10, 11, 12};
    std::vector<std::vector<int64_t>> out(2);
    // Beyond the samples present: clamped; backwards: ignored; unknown
    // governor: ignored.
    split_ring_samples(s, {{0, 2, 99}, {1, 2, 1}, {5, 0, 3}}, &out);
    EXPECT_EQ(out[0], (std::vector<int64_t>{12}));
    EXPECT_TRUE(out[1].empty());
}

}  // namespace
}  // namespace wfisvm
