// host_timer_test.cc - the model of macOS timer coalescing (host=macos): every governor's bounded
// sleep ends late by the rule, a kick still ends it at once, host=linux waits are untouched.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "governors/coalescing_timer.h"
#include "host_timer_json.h"
#include "spec.h"

namespace wfisvm {
namespace {

using namespace std::chrono_literals;

// What this shared, nested machine may add to a timed wait by itself (its
// own lateness and scheduling delay); generous so load cannot fail a test.
constexpr uint64_t kHostSlopNs = 15'000'000;

HostTimerSpec macos(uint32_t permille, uint32_t max_us, CoalesceShape shape) {
    HostTimerSpec h;
    h.kind = HostTimerKind::kMacos;
    h.permille = permille;
    h.max_us = max_us;
    h.shape = shape;
    return h;
}

std::unique_ptr<Governor> make(const std::string &text) {
    GovernorSpec g;
    std::string err;
    EXPECT_TRUE(parse_governor(text, &g, &err)) << err;
    return make_governor(g, nullptr, wfisleep_now_ns());
}

// One idle() with a deadline length_ns ahead; how long it took.
uint64_t timed_idle(Governor &gov, uint64_t length_ns) {
    const uint64_t t0 = wfisleep_now_ns();
    gov.idle(false, t0 + length_ns);
    return wfisleep_now_ns() - t0;
}

TEST(CoalesceRule, ShareOfTheSleepCappedAtMaxTimesU) {
    const HostTimerSpec h = macos(125, 1000, CoalesceShape::kMax);
    EXPECT_EQ(coalesce_extra_ns(h, 100'000, 1.0), 12'500u);        // 12.5% of 100 us
    EXPECT_EQ(coalesce_extra_ns(h, 4'000'000, 1.0), 500'000u);     // 12.5% of 4 ms
    EXPECT_EQ(coalesce_extra_ns(h, 10'000'000, 1.0), 1'000'000u);  // capped at 1 ms
    EXPECT_EQ(coalesce_extra_ns(h, 4'000'000, 0.5), 250'000u);
    EXPECT_EQ(coalesce_extra_ns(h, 4'000'000, 0.0), 0u);
    EXPECT_EQ(coalesce_extra_ns(macos(0, 1000, CoalesceShape::kMax), 4'000'000, 1.0), 0u);
    EXPECT_EQ(coalesce_extra_ns(macos(1000, 0, CoalesceShape::kMax), 4'000'000, 1.0), 0u);
    // No overflow for a sleep of centuries.
    EXPECT_EQ(coalesce_extra_ns(macos(1000, 1000000, CoalesceShape::kMax), UINT64_MAX / 2, 1.0),
              1'000'000'000u);
}

TEST(CoalesceRule, UniformShapeIsSeededAndSpreadOverTheInterval) {
    const HostTimerSpec h = macos(125, 1000, CoalesceShape::kUniform);
    CoalescingTimer a(h, 7), b(h, 7), c(h, 8);
    const uint64_t extra = 500'000;  // 12.5% of 4 ms
    uint64_t lo = UINT64_MAX, hi = 0, sum = 0, differ = 0;
    const int n = 2000;
    for (int i = 0; i < n; i++) {
        const uint64_t start = 1'000'000'000ull + static_cast<uint64_t>(i) * 10'000'000;
        const uint64_t dl = start + 4'000'000;
        const uint64_t la = a.late_deadline(start, dl);
        EXPECT_EQ(la, b.late_deadline(start, dl)) << "same seed, same draws";
        if (c.late_deadline(start, dl) != la) differ++;
        ASSERT_GE(la, dl);
        ASSERT_LE(la, dl + extra);
        lo = std::min(lo, la - dl);
        hi = std::max(hi, la - dl);
        sum += la - dl;
    }
    EXPECT_GT(differ, static_cast<uint64_t>(n) / 2) << "another seed draws other values";
    EXPECT_LT(lo, extra / 10);
    EXPECT_GT(hi, extra * 9 / 10);
    const double mean = static_cast<double>(sum) / n;
    EXPECT_NEAR(mean, extra / 2.0, extra * 0.05);
}

HostTimerSpec window(uint32_t window_us, uint64_t phase_ns, uint32_t permille = 1000,
                     uint32_t max_us = 1'000'000) {
    HostTimerSpec h = macos(permille, max_us, CoalesceShape::kWindow);
    h.window_us = window_us;
    h.grid_phase_ns = phase_ns;
    return h;
}

TEST(CoalesceRule, WindowPushesTheEndToTheNextBoundaryOfTheGrid) {
    constexpr uint64_t kW = 1'000'000;  // 1000 us
    constexpr uint64_t kPhase = 300'000;
    const HostTimerSpec h = window(1000, kPhase);
    const uint64_t boundary = 7 * kW + kPhase;  // one grid point
    const uint64_t len = 50 * kW;               // long: the cap (1000 permille) is far
    // Just after a boundary: late by the window less the overshoot.
    EXPECT_EQ(coalesce_window_extra_ns(h, len, boundary + 1), kW - 1);
    EXPECT_EQ(coalesce_window_extra_ns(h, len, boundary + 10'000), kW - 10'000);
    // Just before one, or on it: (almost) on time.
    EXPECT_EQ(coalesce_window_extra_ns(h, len, boundary - 1), 1u);
    EXPECT_EQ(coalesce_window_extra_ns(h, len, boundary), 0u);
    EXPECT_EQ(coalesce_window_extra_ns(h, len, boundary + kW / 2), kW / 2);
    // The same length, another phase: another lateness.
    EXPECT_NE(coalesce_window_extra_ns(h, len, boundary + 1),
              coalesce_window_extra_ns(h, len, boundary - 1));
    // The phase moves the grid: phase 0 puts the boundaries on multiples of W.
    EXPECT_EQ(coalesce_window_extra_ns(window(1000, 0), len, 7 * kW + 1), kW - 1);
    EXPECT_EQ(coalesce_window_extra_ns(window(1000, kW + kPhase), len, boundary + 1), kW - 1)
        << "a phase beyond the window wraps";
}

TEST(CoalesceRule, WindowLatenessIsCappedByTheShareAndTheMax) {
    constexpr uint64_t kW = 10'000'000;  // 10 ms window
    const uint64_t just_after = 3 * kW + 1;
    // 125 permille of a 4 ms sleep = 500 us; cap 1000 us.
    EXPECT_EQ(coalesce_window_extra_ns(window(10000, 0, 125, 1000), 4'000'000, just_after),
              500'000u);
    // 125 permille of a 40 ms sleep = 5 ms; the 1000 us cap wins.
    EXPECT_EQ(coalesce_window_extra_ns(window(10000, 0, 125, 1000), 40'000'000, just_after),
              1'000'000u);
    // Below the cap the grid decides.
    EXPECT_EQ(coalesce_window_extra_ns(window(10000, 0, 125, 1000), 40'000'000, 3 * kW - 2'000),
              2'000u);
    // Permille 0 turns it off.
    EXPECT_EQ(coalesce_window_extra_ns(window(10000, 0, 0, 1000), 40'000'000, just_after), 0u);
}

TEST(CoalesceRule, WindowTimerAnswersWithTheGridAndDrawsNothing) {
    const HostTimerSpec h = window(1000, 250'000);
    CoalescingTimer a(h, 1), b(h, 99);  // other vCPUs: the same grid
    const uint64_t start = 1'000'000'000ull;
    for (uint64_t off : {uint64_t{0}, uint64_t{1}, uint64_t{123'456}, uint64_t{999'999}}) {
        const uint64_t dl = start + 5'000'000 + off;
        const uint64_t la = a.late_deadline(start, dl);
        EXPECT_EQ(la, b.late_deadline(start, dl)) << off;
        EXPECT_EQ(la, dl + coalesce_window_extra_ns(h, dl - start, dl)) << off;
        EXPECT_EQ((la - 250'000) % 1'000'000, 0u) << "ends on a boundary: " << off;
    }
}

TEST(CoalesceRule, TheGridPhaseIsDrawnOncePerRunFromItsSeed) {
    HostTimerSpec h = window(1000, 0);
    const HostTimerSpec r1 = host_timer_for_run(h, 42), r2 = host_timer_for_run(h, 42);
    EXPECT_EQ(r1.grid_phase_ns, r2.grid_phase_ns);
    EXPECT_LT(r1.grid_phase_ns, 1'000'000u);
    int differ = 0;
    for (uint64_t seed = 1; seed <= 20; seed++)
        if (host_timer_for_run(h, seed).grid_phase_ns != r1.grid_phase_ns) differ++;
    EXPECT_GE(differ, 19) << "another seed, another phase";
    // Other shapes have no grid.
    EXPECT_EQ(host_timer_for_run(macos(125, 1000, CoalesceShape::kMax), 42).grid_phase_ns, 0u);
}

TEST(HostTimerJson, RecordsTheWindowAndReadsItBack) {
    HostTimerSpec h = window(2500, 0, 125, 1000);
    const nlohmann::json j = host_timer_json(h);
    EXPECT_EQ(j.dump(),
              R"({"kind":"macos","max_us":1000,"permille":125,"shape":"window","window_us":2500})");
    const HostTimerSpec back = host_timer_from_json(j);
    EXPECT_EQ(back.shape, CoalesceShape::kWindow);
    EXPECT_EQ(back.window_us, 2500u);
    EXPECT_EQ(back.permille, 125u);
    EXPECT_TRUE(host_timer_json(macos(125, 1000, CoalesceShape::kMax))["window_us"].is_null());
    EXPECT_TRUE(host_timer_json(HostTimerSpec{})["window_us"].is_null());
}

TEST(CoalesceRule, ARepeatedParkOfOneSleepKeepsItsAnswer) {
    CoalescingTimer t(macos(125, 1000, CoalesceShape::kUniform), 3);
    const uint64_t first = t.late_deadline(1000, 4'001'000);
    EXPECT_EQ(t.late_deadline(2'000'000, 4'001'000), first);  // a spurious wake re-parks
    EXPECT_EQ(t.late_deadline(0, WFISLEEP_FOREVER), WFISLEEP_FOREVER);
}

// Every governor whose wait has a bounded sleep, library policies and models
// alike (qemu11's bounded wait is its main loop's poll).
class MacosWait : public ::testing::TestWithParam<const char *> {};

TEST_P(MacosWait, EndsNoEarlierThanTheDeadlineNoLaterThanTheRulePlusTheHost) {
    const uint64_t length = 4'000'000;  // 4 ms: above qemu10's 2 ms spin threshold
    const uint64_t extra = 500'000;     // min(12.5% x 4 ms, 1 ms)
    for (CoalesceShape shape : {CoalesceShape::kMax, CoalesceShape::kUniform}) {
        auto gov = make(GetParam());
        gov->use_host_timer(macos(125, 1000, shape), 11);
        for (int i = 0; i < 5; i++) {
            const uint64_t took = timed_idle(*gov, length);
            EXPECT_GE(took, length) << coalesce_shape_name(shape);
            // qemu11's main loop rounds its timeout up to whole ms first.
            const uint64_t rounding = std::string(GetParam()) == "qemu11" ? 1'000'000 : 0;
            EXPECT_LE(took, length + rounding + (rounding + length) / 8 + extra + kHostSlopNs)
                << coalesce_shape_name(shape);
        }
    }
}

TEST_P(MacosWait, ShapeMaxAddsTheWholeShareToTheSleep) {
    // 20 ms, 1000 permille, 1 s cap: the model doubles the sleep, far beyond
    // what the host adds by itself, so the model's share is visible. The
    // adaptive governor sleeps less than the whole wait (it polls and spins
    // at the ends), so it must show at least half the share.
    auto gov = make(GetParam());
    gov->use_host_timer(macos(1000, 1'000'000, CoalesceShape::kMax), 5);
    const uint64_t length = 20'000'000;
    const uint64_t took = timed_idle(*gov, length);
    EXPECT_GE(took, length + length / 2);
    EXPECT_LE(took, 2 * length + 1'000'000 * 2 + kHostSlopNs + length / 10);
}

TEST_P(MacosWait, AKickStillEndsTheSleepAtOnce) {
    auto gov = make(GetParam());
    // A 400 ms sleep would become 800 ms under this model.
    gov->use_host_timer(macos(1000, 1'000'000, CoalesceShape::kMax), 5);
    std::atomic<bool> returned{false};
    const uint64_t t0 = wfisleep_now_ns();
    std::thread vcpu([&] {
        gov->idle(false, t0 + 400'000'000);
        returned.store(true);
    });
    std::this_thread::sleep_for(10ms);
    gov->kick();
    vcpu.join();
    const uint64_t took = wfisleep_now_ns() - t0;
    EXPECT_LT(took, 10'000'000 + 150'000'000u) << "the kick did not end the modelled sleep";
}

INSTANTIATE_TEST_SUITE_P(Governors, MacosWait,
                         ::testing::Values("adaptive", "deadline", "qemu10", "qemu11",
                                           "kvm-haltpoll"),
                         [](const ::testing::TestParamInfo<const char *> &p) {
                             std::string n;
                             for (const char *c = p.param; *c; ++c) n += *c == '-' ? '_' : *c;
                             return n;
                         });

// The window law on a real wait: a 3 ms sleep ends at the next boundary of
// a 10 ms grid, or 3 ms late at most (1000 permille of it), whichever first.
TEST(WindowWait, ADeadlineWaitEndsAtTheGridOrTheCap) {
    for (const char *spec : {"deadline", "deadline+spin:us=200"}) {
        auto gov = make(spec);
        const HostTimerSpec h = host_timer_for_run(window(10000, 0), 7);
        gov->use_host_timer(h, 5);
        for (int i = 0; i < 4; i++) {
            const uint64_t t0 = wfisleep_now_ns();
            const uint64_t deadline = t0 + 3'000'000;
            gov->idle(false, deadline);
            const uint64_t end = wfisleep_now_ns();
            // deadline+spin sleeps to 200 us before the deadline: its sleep is the one moved.
            const uint64_t sleep_end =
                std::string(spec) == "deadline" ? deadline : deadline - 200'000;
            const uint64_t extra = coalesce_window_extra_ns(h, sleep_end - t0, sleep_end);
            EXPECT_GE(end + 100'000, std::max(deadline, sleep_end + extra)) << spec << " " << i;
            EXPECT_LE(end, std::max(deadline, sleep_end + extra) + kHostSlopNs) << spec << " " << i;
        }
    }
}

TEST(LinuxWait, IsUntouched) {
    // host=linux (the default) installs no model: the same 20 ms wait that
    // the model above doubles ends within the host's own lateness.
    ScenarioSpec s;
    std::string err;
    ASSERT_TRUE(parse_scenario("idle:hz=1000", &s, &err)) << err;
    ASSERT_EQ(s.host_timer.kind, HostTimerKind::kLinux);
    for (const char *g : {"adaptive", "deadline"}) {
        auto gov = make(g);
        const uint64_t length = 20'000'000;
        const uint64_t took = timed_idle(*gov, length);
        EXPECT_GE(took, length - 1'000'000) << g;    // adaptive may end a hair early by its advance
        EXPECT_LT(took, length + kHostSlopNs) << g;  // the model would take 2 x length
    }
}

TEST(SeedWait, StrictSleepIsModelledToo) {
    // The seed's strict sleep is the waiter's non-kickable sleep_until. It
    // sleeps from the 51st rapid trap on, 10% of max_us (1 ms here), which
    // the model doubles.
    auto gov = make("seed:max_us=10000,strict=1");
    gov->use_host_timer(macos(1000, 1'000'000, CoalesceShape::kMax), 5);
    for (int i = 0; i < 51; i++) gov->idle(false, WFISLEEP_NO_DEADLINE);  // streak 0..50
    ASSERT_EQ(gov->stats().sleeps, 0u);
    const uint64_t took = timed_idle(*gov, 50'000'000);
    ASSERT_EQ(gov->stats().sleeps, 1u);
    EXPECT_GE(took, 2'000'000u);
    EXPECT_LE(took, 2'000'000u + kHostSlopNs);
}

}  // namespace
}  // namespace wfisvm
