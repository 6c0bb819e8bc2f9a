// clock_edge_test.cc - every policy at clock edges: past/huge deadlines, jumps, a frozen clock
// (label unit).
//
// Each test name states the defined behaviour; docs/reliability.md lists them.
// Plans are computed on a fake clock through the C ABI (plan/done); a few
// tests run the real wait (idle) with a kick so a wrong plan would hang.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <thread>

#include "config_util.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep_rel {
namespace {

__extension__ typedef unsigned __int128 u128;  // exact reference arithmetic
constexpr uint64_t kMaxUs = 100;
constexpr uint64_t kMaxNs = kMaxUs * 1000;
constexpr uint64_t kHourNs = 3600ull * 1000000000ull;
constexpr uint64_t kYearNs = 365ull * 24 * kHourNs;
// Adaptive defaults (docs/adaptive.md).
constexpr uint64_t kAdvanceMaxNs = 2000000;  // the defaults (docs/adaptive.md)
constexpr uint64_t kPollMaxNs = 200000;

ConfigPtr off_config() {
    return make_config({"WFISLEEP_POLICY=off"});
}
ConfigPtr seed_config(bool strict) {
    return strict ? make_config({"WFISLEEP_POLICY=seed", "HVF_WFI_SLEEP=100",
                                 "WFISLEEP_BOOT_GRACE_MS=0", "WFISLEEP_SEED_STRICT=1"})
                  : make_config(
                        {"WFISLEEP_POLICY=seed", "HVF_WFI_SLEEP=100", "WFISLEEP_BOOT_GRACE_MS=0"});
}
ConfigPtr adaptive_config() {
    return make_config({"WFISLEEP_POLICY=adaptive"});
}

bool all_zero(const wfisleep_plan &p) {
    return p.poll_ns == 0 && p.sleep_ns == 0 && p.spin_ns == 0;
}

// The adaptive guarantee: a finite plan ends by the deadline (128-bit sum).
void expect_fits(const wfisleep_plan &p, uint64_t now, uint64_t deadline) {
    ASSERT_NE(p.sleep_ns, WFISLEEP_FOREVER) << "forever sleep with a deadline";
    const u128 sum = static_cast<u128>(p.poll_ns) + p.sleep_ns + p.spin_ns;
    const u128 room = deadline > now ? deadline - now : 0;
    EXPECT_LE(sum, room) << "now=" << now << " deadline=" << deadline << " poll=" << p.poll_ns
                         << " sleep=" << p.sleep_ns << " spin=" << p.spin_ns;
}

void expect_adaptive_bounds(const wfisleep_vcpu *v) {
    const wfisleep_stats s = stats_of(v);
    EXPECT_LE(s.advance_ns, kAdvanceMaxNs);
    EXPECT_LE(s.poll_window_ns, kPollMaxNs);
}

const uint64_t kNows[] = {
    0, 1, 1000000000ull, kYearNs, UINT64_MAX / 2, UINT64_MAX - kHourNs, UINT64_MAX - 2};

std::vector<uint64_t> deadlines_for(uint64_t now) {
    std::vector<uint64_t> d = {0, now, WFISLEEP_NO_DEADLINE, UINT64_MAX - 1};
    if (now > 0) d.push_back(now - 1);
    if (now < UINT64_MAX - 2) d.push_back(now + 1);
    if (now < UINT64_MAX - kYearNs * 10) d.push_back(now + kYearNs * 10);
    if (now < UINT64_MAX - 50000) d.push_back(now + 50000);
    return d;
}

// ---- off ---------------------------------------------------------------

TEST(ClockOff, AnyNowAndAnyDeadlinePlansNothing) {
    auto cfg = off_config();
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 0));
    for (uint64_t now : kNows) {
        for (uint64_t d : deadlines_for(now)) {
            EXPECT_TRUE(all_zero(wfisleep_vcpu_plan(v.get(), now, 0, d)));
        }
    }
}

// ---- seed --------------------------------------------------------------

TEST(ClockSeed, DeadlineIsIgnoredAndSleepNeverExceedsMaxAtAnyNow) {
    for (bool strict : {false, true}) {
        auto cfg = seed_config(strict);
        VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 0));
        for (uint64_t now : kNows) {
            for (uint64_t d : deadlines_for(now)) {
                // Many rapid calls at the same now: the streak grows.
                for (int i = 0; i < 600; ++i) {
                    const wfisleep_plan p = wfisleep_vcpu_plan(v.get(), now, 0, d);
                    ASSERT_EQ(p.poll_ns, 0u);
                    ASSERT_EQ(p.spin_ns, 0u);
                    ASSERT_LE(p.sleep_ns, kMaxNs);
                    ASSERT_EQ(p.strict != 0, strict);
                }
            }
        }
    }
}

TEST(ClockSeed, FrozenClockCountsAsRapidSoSleepRampsToMaxAndStaysThere) {
    auto cfg = seed_config(false);
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 1000));
    const uint64_t now = 5000000000ull;
    // Call 1 has no previous call; call n (n >= 2) has streak n - 1 (t before
    // prev_end counts as a gap of 0, i.e. rapid).
    EXPECT_EQ(wfisleep_vcpu_plan(v.get(), now, 0, WFISLEEP_NO_DEADLINE).sleep_ns, 0u);
    for (uint64_t n = 2; n <= 5000; ++n) {
        const uint64_t s = wfisleep_vcpu_plan(v.get(), now, 0, WFISLEEP_NO_DEADLINE).sleep_ns;
        const uint64_t streak = n - 1;
        const uint64_t want = streak <= 50    ? 0
                              : streak <= 100 ? kMaxNs / 10
                              : streak <= 200 ? kMaxNs / 4
                              : streak <= 500 ? kMaxNs / 2
                                              : kMaxNs;
        ASSERT_EQ(s, want) << "call " << n;
    }
}

TEST(ClockSeed, ForwardJumpOfHoursIsActivityAndResetsTheStreak) {
    auto cfg = seed_config(false);
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 0));
    uint64_t now = 1000000000ull;
    uint64_t last = 0;
    for (int i = 0; i < 600; ++i, now += 10000) {
        last = wfisleep_vcpu_plan(v.get(), now, 0, WFISLEEP_NO_DEADLINE).sleep_ns;
    }
    ASSERT_EQ(last, kMaxNs);
    now += 5 * kHourNs;  // host suspended
    EXPECT_EQ(wfisleep_vcpu_plan(v.get(), now, 0, WFISLEEP_NO_DEADLINE).sleep_ns, 0u);
    // ... and the ramp starts again from streak 1.
    now += 10000;
    EXPECT_EQ(wfisleep_vcpu_plan(v.get(), now, 0, WFISLEEP_NO_DEADLINE).sleep_ns, 0u);
}

TEST(ClockSeed, NowBeforeCreationIsInsideBootGraceSoNoSleep) {
    auto cfg =
        make_config({"WFISLEEP_POLICY=seed", "HVF_WFI_SLEEP=100", "WFISLEEP_BOOT_GRACE_MS=15000"});
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 100 * kHourNs));
    for (int i = 0; i < 1000; ++i) {
        // A clock behind the creation time (stepped back): streak stays 0.
        EXPECT_EQ(
            wfisleep_vcpu_plan(v.get(), kHourNs + static_cast<uint64_t>(i), 0, WFISLEEP_NO_DEADLINE)
                .sleep_ns,
            0u);
    }
}

TEST(ClockSeed, ClockAtTheEndOfUint64KeepsSleepWithinMax) {
    auto cfg = seed_config(false);
    const uint64_t start = UINT64_MAX - 20000000ull;  // 20 ms before the end
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), start));
    for (uint64_t now = start; now < UINT64_MAX - 1000; now += 1000) {
        ASSERT_LE(wfisleep_vcpu_plan(v.get(), now, 0, WFISLEEP_NO_DEADLINE).sleep_ns, kMaxNs);
    }
}

// ---- adaptive ------------------------------------------------------------

TEST(ClockAdaptive, DeadlineInThePastOrNowPlansNothing) {
    auto cfg = adaptive_config();
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 0));
    for (uint64_t now : kNows) {
        for (uint64_t d : {uint64_t{0}, now / 2, now > 0 ? now - 1 : 0, now}) {
            const wfisleep_plan p = wfisleep_vcpu_plan(v.get(), now, 0, d);
            EXPECT_TRUE(all_zero(p)) << "now=" << now << " deadline=" << d;
            wfisleep_vcpu_done(v.get(), now, 0);
        }
    }
}

TEST(ClockAdaptive, NoDeadlineBlocksUntilKickedWithoutSpin) {
    auto cfg = adaptive_config();
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 0));
    for (uint64_t now : kNows) {
        const wfisleep_plan p = wfisleep_vcpu_plan(v.get(), now, 0, WFISLEEP_NO_DEADLINE);
        EXPECT_EQ(p.sleep_ns, WFISLEEP_FOREVER) << "now=" << now;
        EXPECT_EQ(p.spin_ns, 0u);
        wfisleep_vcpu_done(v.get(), now + 1000, 1);
    }
}

TEST(ClockAdaptive, DeadlineYearsAwayOrAtUint64MaxMinus1SleepsAndFitsBeforeIt) {
    auto cfg = adaptive_config();
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 0));
    for (uint64_t now : kNows) {
        for (uint64_t d : deadlines_for(now)) {
            if (d == WFISLEEP_NO_DEADLINE) continue;
            const wfisleep_plan p = wfisleep_vcpu_plan(v.get(), now, 0, d);
            expect_fits(p, now, d);
            if (d > now && d - now >= kYearNs) {
                EXPECT_GT(p.sleep_ns, kYearNs / 2) << "a far deadline must be slept, not spun";
            }
            wfisleep_vcpu_done(v.get(), now, 1);
        }
    }
}

TEST(ClockAdaptive, HostSuspendedHoursDuringSleepKeepsLearnedValuesInBounds) {
    auto cfg = adaptive_config();
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 0));
    uint64_t now = kHourNs;
    for (int i = 0; i < 200; ++i) {
        const uint64_t deadline = now + 1000000;  // 1 ms
        const wfisleep_plan p = wfisleep_vcpu_plan(v.get(), now, 0, deadline);
        expect_fits(p, now, deadline);
        now += 3 * kHourNs;  // the wait "returned" hours after its deadline
        wfisleep_vcpu_done(v.get(), now, 0);
        expect_adaptive_bounds(v.get());
    }
    const wfisleep_stats s = stats_of(v.get());
    EXPECT_EQ(s.late_wakes, 200u) << "every wait after a suspend was late";
}

TEST(ClockAdaptive, FrozenClockPlansFitAndLearnedValuesStayInBounds) {
    auto cfg = adaptive_config();
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 0));
    const uint64_t now = 42 * 1000000000ull;
    std::minstd_rand rng(3);
    for (int i = 0; i < 5000; ++i) {
        const uint64_t deadline = rng() % 3 == 0 ? WFISLEEP_NO_DEADLINE : now + rng() % 2000000;
        const wfisleep_plan p = wfisleep_vcpu_plan(v.get(), now, 0, deadline);
        if (deadline != WFISLEEP_NO_DEADLINE) expect_fits(p, now, deadline);
        wfisleep_vcpu_done(v.get(), now, static_cast<int>(rng() % 2));  // zero time passed
        expect_adaptive_bounds(v.get());
    }
}

TEST(ClockAdaptive, DoneReportedBeforeThePlanStartIsHarmless) {
    auto cfg = adaptive_config();
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 0));
    uint64_t now = 10 * kHourNs;
    for (int i = 0; i < 1000; ++i, now += 1000000) {
        const uint64_t deadline = now + 500000;
        const wfisleep_plan p = wfisleep_vcpu_plan(v.get(), now, 0, deadline);
        expect_fits(p, now, deadline);
        wfisleep_vcpu_done(v.get(), now - kHourNs, i % 2);  // clock stepped back
        expect_adaptive_bounds(v.get());
    }
}

TEST(ClockAdaptive, HasWorkPlansNothingAtAnyClock) {
    auto cfg = adaptive_config();
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), 0));
    for (uint64_t now : kNows) {
        for (uint64_t d : deadlines_for(now)) {
            EXPECT_TRUE(all_zero(wfisleep_vcpu_plan(v.get(), now, 1, d)));
        }
    }
}

// ---- the real wait at the edges (a wrong plan hangs: ctest timeout) -------

TEST(ClockIdle, PastDeadlineReturnsWithoutSleepingForEveryPolicy) {
    for (bool adaptive : {false, true}) {
        auto cfg = adaptive ? adaptive_config() : off_config();
        VcpuPtr v(wfisleep_vcpu_new(cfg.get(), wfisleep_now_ns()));
        for (int i = 0; i < 100; ++i) {
            wfisleep_vcpu_idle(v.get(), 0, 0);
            wfisleep_vcpu_idle(v.get(), 0, wfisleep_now_ns() - 1);
        }
        EXPECT_EQ(stats_of(v.get()).sleeps, 0u) << wfisleep_config_policy(cfg.get());
    }
}

TEST(ClockIdle, DeadlineYearsAwayOrNoneEndsOnAKick) {
    auto cfg = adaptive_config();
    VcpuPtr v(wfisleep_vcpu_new(cfg.get(), wfisleep_now_ns()));
    for (uint64_t d : {wfisleep_now_ns() + 10 * kYearNs, UINT64_MAX - 1, WFISLEEP_NO_DEADLINE}) {
        std::thread kicker([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            wfisleep_vcpu_kick(v.get());
        });
        wfisleep_vcpu_idle(v.get(), 0, d);
        kicker.join();
    }
    EXPECT_EQ(stats_of(v.get()).kicks, 3u);
}

}  // namespace
}  // namespace wfisleep_rel
