// capi_test.cc - C ABI details: policy strings, describe, stats size handling, NULLs, version.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "wfisleep/wfisleep.h"

namespace {

wfisleep_config *parse(const char *a, const char *b = nullptr) {
    const char *vars[] = {a, b, nullptr};
    wfisleep_config *cfg = nullptr;
    EXPECT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    return cfg;
}

TEST(CApi, VersionMacrosMatchTheProject) {
    EXPECT_EQ(WFISLEEP_VERSION_MAJOR, WFISLEEP_PROJECT_VERSION_MAJOR);
    EXPECT_EQ(WFISLEEP_VERSION_MINOR, WFISLEEP_PROJECT_VERSION_MINOR);
    EXPECT_EQ(WFISLEEP_VERSION_PATCH, WFISLEEP_PROJECT_VERSION_PATCH);
}

TEST(CApi, PolicyStrings) {
    wfisleep_config *off = parse("WFISLEEP_POLICY=off");
    wfisleep_config *seed = parse("HVF_WFI_SLEEP=10");
    wfisleep_config *adaptive = parse("WFISLEEP_POLICY=adaptive");
    EXPECT_STREQ(wfisleep_config_policy(off), "off");
    EXPECT_STREQ(wfisleep_config_policy(seed), "seed");
    EXPECT_STREQ(wfisleep_config_policy(adaptive), "adaptive");
    EXPECT_STREQ(wfisleep_config_policy(nullptr), "off");
    wfisleep_config_free(off);
    wfisleep_config_free(seed);
    wfisleep_config_free(adaptive);
    wfisleep_config_free(nullptr);
}

TEST(CApi, DescribeHasSnprintfSemantics) {
    wfisleep_config *seed = parse("HVF_WFI_SLEEP=10");
    char full[256];
    const int n = wfisleep_config_describe(seed, full, sizeof full);
    EXPECT_EQ(n, static_cast<int>(strlen(full)));
    char small[8];
    EXPECT_EQ(wfisleep_config_describe(seed, small, sizeof small), n);
    EXPECT_EQ(std::string(small), std::string(full).substr(0, 7));
    EXPECT_EQ(wfisleep_config_describe(seed, nullptr, 0), n);
    wfisleep_config_free(seed);
}

TEST(CApi, OffNeverWaits) {
    wfisleep_config *off = parse("WFISLEEP_POLICY=off");
    wfisleep_vcpu *v = wfisleep_vcpu_new(off, 0);
    for (uint64_t t = 0; t < 1000000; t += 1000) {
        const wfisleep_plan p = wfisleep_vcpu_plan(v, t, 0, t + 5000000);
        ASSERT_EQ(p.poll_ns + p.sleep_ns + p.spin_ns, 0u);
    }
    EXPECT_EQ(wfisleep_vcpu_idle(v, 0, WFISLEEP_NO_DEADLINE), 0u);
    wfisleep_stats s{};
    s.size = sizeof s;
    wfisleep_vcpu_stats(v, &s);
    EXPECT_EQ(s.idle_calls, 1001u);
    EXPECT_EQ(s.sleeps, 0u);
    wfisleep_vcpu_free(v);
    wfisleep_config_free(off);
}

TEST(CApi, NullArgumentsAreHarmless) {
    EXPECT_EQ(wfisleep_vcpu_new(nullptr, 0), nullptr);
    wfisleep_vcpu_free(nullptr);
    wfisleep_vcpu_kick(nullptr);
    wfisleep_vcpu_done(nullptr, 0, 1);
    const wfisleep_plan p = wfisleep_vcpu_plan(nullptr, 0, 0, 0);
    EXPECT_EQ(p.poll_ns + p.sleep_ns + p.spin_ns, 0u);
    EXPECT_EQ(wfisleep_vcpu_idle(nullptr, 0, 0), 0u);
    int kicked = 7;
    EXPECT_EQ(wfisleep_vcpu_wait(nullptr, &p, &kicked), 0u);
    EXPECT_EQ(kicked, 0);
    wfisleep_vcpu_stats(nullptr, nullptr);
}

TEST(CApi, StatsCountSeedPlans) {
    wfisleep_config *seed = parse("HVF_WFI_SLEEP=100", "WFISLEEP_BOOT_GRACE_MS=0");
    wfisleep_vcpu *v = wfisleep_vcpu_new(seed, 0);
    uint64_t t = 1000;
    for (int i = 0; i < 60; ++i) {
        const wfisleep_plan p = wfisleep_vcpu_plan(v, t, 0, WFISLEEP_NO_DEADLINE);
        t += p.sleep_ns + 1000;
    }
    wfisleep_vcpu_plan(v, t, 1, WFISLEEP_NO_DEADLINE);
    wfisleep_stats s{};
    s.size = sizeof s;
    wfisleep_vcpu_stats(v, &s);
    EXPECT_EQ(s.size, sizeof s);
    EXPECT_EQ(s.idle_calls, 61u);
    EXPECT_EQ(s.sleeps, 9u);  // streaks 51..59
    EXPECT_EQ(s.work_returns, 1u);
    wfisleep_vcpu_free(v);
    wfisleep_config_free(seed);
}

TEST(CApi, StatsFillNoMoreThanSize) {
    wfisleep_config *seed = parse("HVF_WFI_SLEEP=100");
    wfisleep_vcpu *v = wfisleep_vcpu_new(seed, 0);
    wfisleep_vcpu_plan(v, 1, 0, WFISLEEP_NO_DEADLINE);
    wfisleep_vcpu_plan(v, 2, 1, WFISLEEP_NO_DEADLINE);

    // An old caller that knows only up to idle_calls.
    const size_t old_size = offsetof(wfisleep_stats, idle_calls) + sizeof(uint64_t);
    unsigned char raw[sizeof(wfisleep_stats) + 16];
    memset(raw, 0xAB, sizeof raw);
    auto *s = reinterpret_cast<wfisleep_stats *>(raw);
    s->size = static_cast<uint32_t>(old_size);
    wfisleep_vcpu_stats(v, s);
    EXPECT_EQ(s->size, old_size);
    EXPECT_EQ(s->idle_calls, 2u);
    for (size_t i = old_size; i < sizeof raw; ++i) {
        ASSERT_EQ(raw[i], 0xAB) << "byte " << i << " written beyond size";
    }

    // A size smaller than the size field itself: nothing is written.
    memset(raw, 0xAB, sizeof raw);
    s->size = 2;
    wfisleep_vcpu_stats(v, s);
    EXPECT_EQ(s->size, 2u);
    for (size_t i = sizeof(uint32_t); i < sizeof raw; ++i) {
        ASSERT_EQ(raw[i], 0xAB);
    }

    // A newer, bigger caller: we fill what we know and leave the rest.
    memset(raw, 0xAB, sizeof raw);
    s->size = sizeof raw;
    wfisleep_vcpu_stats(v, s);
    EXPECT_EQ(s->size, sizeof raw);
    EXPECT_EQ(s->work_returns, 1u);
    for (size_t i = sizeof(wfisleep_stats); i < sizeof raw; ++i) {
        ASSERT_EQ(raw[i], 0xAB);
    }
    wfisleep_vcpu_free(v);
    wfisleep_config_free(seed);
}

TEST(CApi, ClockIsMonotonic) {
    uint64_t prev = wfisleep_now_ns();
    for (int i = 0; i < 10000; ++i) {
        const uint64_t t = wfisleep_now_ns();
        ASSERT_GE(t, prev);
        prev = t;
    }
    EXPECT_GT(prev, 0u);
}

TEST(CApi, AdaptiveNeverWaitsWithWork) {
    wfisleep_config *a = parse("WFISLEEP_POLICY=adaptive");
    wfisleep_vcpu *v = wfisleep_vcpu_new(a, 0);
    const uint64_t now = wfisleep_now_ns();
    const wfisleep_plan p = wfisleep_vcpu_plan(v, now, 1, now + 1000000);
    EXPECT_EQ(p.poll_ns + p.sleep_ns + p.spin_ns, 0u);
    wfisleep_vcpu_done(v, now, 0);
    wfisleep_vcpu_free(v);
    wfisleep_config_free(a);
}

// Adaptive v3 through the C API: a done2 outcome carrying a sleep's begin,
// wake time and run delay teaches its class the timer oversleep only (40 us
// late, 25 us of it on a run queue: 15 us), and the stats export every
// class's advance; other policies export none.
TEST(CApi, StatsExportEveryClassAdvanceLearnedFromTimerOversleep) {
    wfisleep_config *a = parse("WFISLEEP_POLICY=adaptive");
    wfisleep_vcpu *v = wfisleep_vcpu_new(a, 0);
    const uint64_t now = 1000000000;  // the embedder's own clock
    wfisleep_plan2 p{};
    p.size = sizeof p;
    ASSERT_EQ(wfisleep_vcpu_plan2(v, now, 0, now + 200000, &p), 0);
    ASSERT_EQ(p.nphases, 2u);
    ASSERT_EQ(p.phase[0].kind, static_cast<uint32_t>(WFISLEEP_PHASE_SLEEP));
    wfisleep_outcome o{};
    o.size = sizeof o;
    o.begin_ns[0] = now;
    o.wake_ns[0] = p.phase[0].end_ns + 40000;
    o.run_delay_ns[0] = 25000;
    o.begin_ns[1] = o.wake_ns[0];
    o.end_ns = o.wake_ns[0];
    o.ended_in = 2;
    wfisleep_vcpu_done2(v, &o);
    wfisleep_stats s{};
    s.size = sizeof s;
    wfisleep_vcpu_stats(v, &s);
    ASSERT_EQ(s.advance_classes, 13u);
    const uint32_t c = 3;  // 200 us before the deadline: 131-262 us
    EXPECT_EQ(s.class_advance_ns[c], 15000u);
    EXPECT_EQ(s.advance_ns, 15000u);
    for (uint32_t k = 0; k < s.advance_classes; ++k) {
        if (k != c) {
            EXPECT_EQ(s.class_advance_ns[k], 10000u) << k;  // ADVANCE_INIT_NS
        }
    }
    wfisleep_vcpu_free(v);
    wfisleep_config_free(a);

    wfisleep_config *seed = parse("HVF_WFI_SLEEP=100");
    wfisleep_vcpu *w = wfisleep_vcpu_new(seed, 0);
    wfisleep_stats t{};
    t.size = sizeof t;
    wfisleep_vcpu_stats(w, &t);
    EXPECT_EQ(t.advance_classes, 0u);
    EXPECT_EQ(t.class_advance_ns[0], 0u);
    wfisleep_vcpu_free(w);
    wfisleep_config_free(seed);
}

}  // namespace
