// adaptive_property_test.cc - hard guarantees of the adaptive policy over random inputs.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>

#include "../common/allocation_counter.h"
#include "policy/adaptive_policy.h"
#include "real_wait.h"

namespace {

using wfisleep::AdaptiveParams;
using wfisleep::AdaptivePolicy;

// Deadlines and clock values that stress the arithmetic.
constexpr uint64_t kEdges[] = {
    0, 1, 2, 999, 1000000, UINT64_MAX / 2, UINT64_MAX - 2, UINT64_MAX - 1};

// A random but valid parameter set: either the defaults, or every tunable
// drawn from its range with the cross-field rules repaired.
AdaptiveParams random_params(std::mt19937_64 &rng) {
    AdaptiveParams p;
    if (rng() % 4 == 0) {
        return p;
    }
    for (const auto &t : wfisleep::adaptive_tunables()) {
        const uint64_t span = t.max - t.min;
        uint64_t v;
        switch (rng() % 4) {
            case 0:
                v = t.min;
                break;
            case 1:
                v = t.max;
                break;
            default:
                v = t.min + (span == UINT64_MAX ? rng() : rng() % (span + 1));
                break;
        }
        p.*t.field = v;
    }
    if (p.advance_min_ns > p.advance_max_ns) {
        std::swap(p.advance_min_ns, p.advance_max_ns);
    }
    if (p.poll_min_ns > p.poll_max_ns) {
        std::swap(p.poll_min_ns, p.poll_max_ns);
    }
    if (p.contention_leave_pct > p.contention_enter_pct) {
        std::swap(p.contention_leave_pct, p.contention_enter_pct);
    }
    p.advance_init_ns = std::clamp(p.advance_init_ns, p.advance_min_ns, p.advance_max_ns);
    p.poll_init_ns = std::clamp(p.poll_init_ns, p.poll_min_ns, p.poll_max_ns);
    return p;
}

uint64_t random_time(std::mt19937_64 &rng, uint64_t around) {
    switch (rng() % 6) {
        case 0:
            return kEdges[rng() % std::size(kEdges)];
        case 1:
            return around;  // a clock standing still / deadline now
        case 2:
            return around + rng() % 2000000;
        case 3:
            return around > 1000 ? around - rng() % 1000 : 0;
        case 4:
            return rng();
        default:
            return around + rng() % 100000;
    }
}

void expect_plan_valid(const wfisleep_plan &p, const AdaptiveParams &params, uint64_t now,
                       bool has_work, uint64_t deadline) {
    ASSERT_EQ(p.strict, 0);
    if (has_work) {
        ASSERT_EQ(p.poll_ns, 0u);
        ASSERT_EQ(p.sleep_ns, 0u);
        ASSERT_EQ(p.spin_ns, 0u);
        return;
    }
    ASSERT_LE(p.poll_ns, params.poll_max_ns);
    if (deadline == WFISLEEP_NO_DEADLINE) {
        ASSERT_EQ(p.sleep_ns, WFISLEEP_FOREVER);
        ASSERT_EQ(p.spin_ns, 0u);
        ASSERT_GE(p.poll_ns, params.poll_min_ns);
        return;
    }
    if (deadline <= now) {
        ASSERT_EQ(p.poll_ns + p.sleep_ns + p.spin_ns, 0u) << "deadline passed";
        return;
    }
    const uint64_t remaining = deadline - now;
    // Checked term by term so that an overflowing sum cannot hide a violation.
    ASSERT_LE(p.poll_ns, remaining);
    ASSERT_LE(p.sleep_ns, remaining - p.poll_ns);
    ASSERT_LE(p.spin_ns, remaining - p.poll_ns - p.sleep_ns);
    ASSERT_NE(p.sleep_ns, WFISLEEP_FOREVER);
    // A class pinned at its cap spins its whole wait, which is shorter than
    // twice the class's lower edge, itself at most 4/3 of advance_max_ns.
    ASSERT_LE(p.spin_ns,
              std::max({params.advance_max_ns, params.sleep_min_ns + params.advance_max_ns,
                        params.advance_max_ns / 3 * 8 + 8}))
        << "spins only the advance, a deadline too close to sleep, or a pinned class's wait";
}

TEST(AdaptiveProperties, RandomInputsKeepEveryGuarantee) {
    std::mt19937_64 rng(20261127);
    for (int round = 0; round < 400; ++round) {
        const AdaptiveParams params = random_params(rng);
        ASSERT_EQ(wfisleep::adaptive_params_error(params), nullptr);
        AdaptivePolicy pol(params);
        uint64_t now = random_time(rng, 1000000);
        for (int step = 0; step < 300; ++step) {
            const bool has_work = rng() % 8 == 0;
            const uint64_t deadline = rng() % 5 == 0 ? WFISLEEP_NO_DEADLINE : random_time(rng, now);
            const wfisleep_plan p = pol.plan(now, has_work, deadline);
            expect_plan_valid(p, params, now, has_work, deadline);
            if (HasFatalFailure()) {
                ADD_FAILURE() << "round " << round << " step " << step << " now " << now
                              << " deadline " << deadline;
                return;
            }
            // Sometimes a realistic outcome, sometimes garbage (end before
            // start, wake time from nowhere, done twice, no done at all).
            const uint64_t kick_at = rng() % 3 == 0 ? UINT64_MAX : random_time(rng, now);
            adaptive_test::Outcome o;
            if (p.sleep_ns == WFISLEEP_FOREVER && kick_at == UINT64_MAX) {
                o = adaptive_test::execute(p, now, now + rng() % 1000000, rng() % 50000);
            } else {
                o = adaptive_test::execute(p, now, kick_at, rng() % 3 == 0 ? rng() : rng() % 50000);
            }
            switch (rng() % 6) {
                case 0:
                    pol.done(random_time(rng, now), rng() % 2, rng());
                    break;
                case 1:
                    break;
                case 2:
                    pol.done(o.end_ns, o.kicked);
                    break;
                default:
                    pol.done(o.end_ns, o.kicked, o.woke_ns);
                    break;
            }
            if (rng() % 10 == 0) {
                pol.done(random_time(rng, now), rng() % 2);
            }
            // Every class's advance lies in min..max, under its class cap.
            const uint64_t cap = pol.classes().cap_ns(pol.last_class());
            ASSERT_GE(pol.advance_ns(), std::min(params.advance_min_ns, cap));
            ASSERT_LE(pol.advance_ns(), std::min(params.advance_max_ns, cap));
            ASSERT_LE(pol.oversleep_mean_ns(), params.advance_max_ns);
            ASSERT_LE(pol.oversleep_dev_ns(), params.advance_max_ns);
            ASSERT_GE(pol.poll_window_ns(), params.poll_min_ns);
            ASSERT_LE(pol.poll_window_ns(), params.poll_max_ns);
            // Time mostly moves on, sometimes stands still or jumps.
            now = rng() % 7 == 0 ? random_time(rng, now) : o.end_ns + rng() % 20000;
        }
    }
}

TEST(AdaptiveProperties, NeverWaitsWithWorkWhateverItLearned) {
    AdaptivePolicy pol(AdaptiveParams{});
    uint64_t now = 1000;
    for (int i = 0; i < 200; ++i) {
        // Teach it to poll (kicks just after the window) and to advance a lot.
        const wfisleep_plan p = pol.plan(now, false, WFISLEEP_NO_DEADLINE);
        const auto o = adaptive_test::execute(p, now, now + p.poll_ns + 5000, 0);
        pol.done(o.end_ns, o.kicked, o.woke_ns);
        now = o.end_ns + 100;
        for (const uint64_t d : {WFISLEEP_NO_DEADLINE, now + 1, now + 1000000, UINT64_MAX - 1}) {
            const wfisleep_plan w = pol.plan(now, true, d);
            EXPECT_EQ(w.poll_ns + w.sleep_ns + w.spin_ns, 0u);
        }
    }
    EXPECT_GT(pol.poll_window_ns(), 0u) << "the setup should have grown the window";
}

TEST(AdaptiveProperties, ExtremeDeadlinesDoNotOverflow) {
    const AdaptiveParams params;
    AdaptivePolicy pol(params);
    // Far deadline from time 0: sleep almost all of it, spin the advance.
    wfisleep_plan p = pol.plan(0, false, UINT64_MAX - 1);
    EXPECT_EQ(p.poll_ns + p.sleep_ns + p.spin_ns, UINT64_MAX - 1);
    EXPECT_EQ(p.spin_ns, pol.advance_ns());
    EXPECT_NE(p.sleep_ns, WFISLEEP_FOREVER);
    // A clock near its end, no deadline: still blocks until kicked.
    p = pol.plan(UINT64_MAX - 2, false, WFISLEEP_NO_DEADLINE);
    EXPECT_EQ(p.sleep_ns, WFISLEEP_FOREVER);
    pol.done(UINT64_MAX - 1, true, UINT64_MAX - 1);
    // now > deadline, now == deadline, deadline one ns away.
    p = pol.plan(500, false, 400);
    EXPECT_EQ(p.poll_ns + p.sleep_ns + p.spin_ns, 0u);
    p = pol.plan(500, false, 500);
    EXPECT_EQ(p.poll_ns + p.sleep_ns + p.spin_ns, 0u);
    p = pol.plan(500, false, 501);
    EXPECT_EQ(p.poll_ns + p.sleep_ns + p.spin_ns, 1u);
    EXPECT_EQ(p.sleep_ns, 0u) << "1 ns is far below the cost of a sleep";
    // Outcomes at the clock's ends leave the state bounded.
    pol.done(UINT64_MAX, false, UINT64_MAX);
    pol.done(0, true, 0);
    EXPECT_LE(pol.advance_ns(), params.advance_max_ns);
    EXPECT_LE(pol.poll_window_ns(), params.poll_max_ns);
}

TEST(AdaptiveProperties, PlanAndDoneDoNotAllocate) {
    AdaptivePolicy pol(AdaptiveParams{});
    std::mt19937_64 rng(7);
    const uint64_t before = wfisleep_test::g_allocations.load();
    uint64_t now = 1;
    for (int i = 0; i < 10000; ++i) {
        const uint64_t d = i % 3 == 0 ? WFISLEEP_NO_DEADLINE : now + rng() % 2000000;
        const wfisleep_plan p = pol.plan(now, i % 11 == 0, d);
        const auto o = adaptive_test::execute(p, now, now + rng() % 300000, rng() % 40000);
        pol.done(o.end_ns, o.kicked, o.woke_ns);
        now = o.end_ns + 1;
    }
    EXPECT_EQ(wfisleep_test::g_allocations.load(), before);
}

}  // namespace

namespace {

TEST(AdaptiveProperties, InvalidParamsStillGiveBoundedPlans) {
    // A caller that skips adaptive_params_error (an embedder building the
    // params by hand) must still get no division by zero and no overflow.
    wfisleep::AdaptiveParams p;
    p.advance_gain_div = 0;
    p.advance_probe_div = 0;
    p.advance_outlier_run = 0;
    p.poll_grow_start_ns = 0;
    p.poll_grow_pct = 50;
    p.poll_shrink_pct = 500;
    p.advance_min_ns = UINT64_MAX;
    p.advance_max_ns = UINT64_MAX;
    p.advance_init_ns = UINT64_MAX;
    p.poll_min_ns = UINT64_MAX;
    p.poll_max_ns = 5;
    ASSERT_NE(wfisleep::adaptive_params_error(p), nullptr);
    wfisleep::AdaptivePolicy pol(p);
    std::mt19937_64 rng(3);
    uint64_t now = 0;
    for (int i = 0; i < 2000; ++i) {
        const uint64_t d = i % 5 == 0 ? WFISLEEP_NO_DEADLINE : now + rng() % 5000000000ull;
        const wfisleep_plan plan = pol.plan(now, false, d);
        if (d != WFISLEEP_NO_DEADLINE) {
            ASSERT_LE(plan.poll_ns, d - now);
            ASSERT_LE(plan.sleep_ns, d - now - plan.poll_ns);
            ASSERT_LE(plan.spin_ns, d - now - plan.poll_ns - plan.sleep_ns);
        }
        ASSERT_LE(pol.advance_ns(), 1000000000u) << "clamped to 1 s";
        ASSERT_LE(pol.poll_window_ns(), 5u);
        const auto o = adaptive_test::execute(plan, now, now + rng() % 3000000, rng() % 2000000);
        pol.done(o.end_ns, o.kicked, i % 2 ? o.woke_ns : 0);
        now = o.end_ns + 1;
    }
}

}  // namespace
