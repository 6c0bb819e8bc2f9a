// fuzz_policies.cc - libFuzzer target: seed and adaptive state machines on random event sequences.
//
// Input: parameters (each adaptive tunable clamped into its documented range,
// or raw to exercise the defensive constructor), then a stream of events:
// plan at a clock that moves by a small, large (hours), zero or negative step
// with a random deadline kind, or done() with a random end time / kick /
// sleep wake time. Invariants after every event:
//   - has_work: the plan is empty (never waits with work);
//   - seed: only a sleep, never above max_us, strict as configured;
//   - adaptive: with a deadline, poll+sleep+spin <= deadline - now (none if
//     past); without one, poll then forever; learned advance within
//     advance_min..advance_max, poll window within poll_min..poll_max (for
//     validated params), oversleep deviation finite.
// UBSan (-fsanitize=undefined) reports overflow/shift UB as a crash.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "fuzz_input.h"
#include "policy/adaptive_policy.h"
#include "policy/seed_policy.h"

using wfisleep::AdaptiveParams;
using wfisleep::AdaptivePolicy;
using wfisleep::SeedParams;
using wfisleep::SeedPolicy;
using wfisleep_fuzz::Input;

namespace {

__extension__ typedef unsigned __int128 u128;

bool empty(const wfisleep_plan &p) {
    return p.poll_ns == 0 && p.sleep_ns == 0 && p.spin_ns == 0;
}

uint64_t step(Input &in, uint64_t now) {
    const uint8_t kind = in.u8();
    switch (kind % 8) {
        case 0:
            return now;  // frozen clock
        case 1:
            return now + in.u64(2);  // < 65 us
        case 2:
            return now + in.u64(3);  // < 17 ms
        case 3:
            return now + in.u64(4) * 1000;  // up to ~71 min
        case 4:
            return now + in.u64(2) * 3600000000000ull;  // hours (suspend)
        case 5:
            return now - (now ? in.u64(2) % now : 0);  // stepped back
        case 6:
            return in.u64();  // anywhere
        default:
            return now + 1000 + in.u64(1) * 1000;  // ~1 ms rhythm
    }
}

uint64_t deadline_for(Input &in, uint64_t now) {
    switch (in.u8() % 6) {
        case 0:
            return WFISLEEP_NO_DEADLINE;
        case 1:
            return now - (now ? in.u64(2) % now : 0);  // past or now
        case 2:
            return now + in.u64(2);
        case 3:
            return now + in.u64(3) * 16;
        case 4:
            return UINT64_MAX - 1 - in.u64(1);
        default:
            return in.u64();
    }
}

void fuzz_seed(Input &in) {
    SeedParams p;
    p.max_us = 1 + in.u64(2) % 10000;
    p.grace_ms = in.u64(3) % 600001;
    p.strict = in.flag();
    uint64_t now = in.u64();
    SeedPolicy s(p, in.flag() ? now : in.u64());
    if (in.flag()) s.set_state_for_testing(in.u64(), in.u64());
    while (!in.empty()) {
        now = step(in, now);
        const bool work = in.u8() % 4 == 0;
        const uint64_t streak_before = s.streak();
        const wfisleep_plan plan = s.plan(now, work);
        FUZZ_CHECK(plan.poll_ns == 0 && plan.spin_ns == 0);
        FUZZ_CHECK(plan.sleep_ns <= p.max_us * 1000);
        FUZZ_CHECK(plan.sleep_ns == SeedPolicy::sleep_for_streak(p.max_us, s.streak()));
        FUZZ_CHECK((plan.strict != 0) == p.strict || plan.sleep_ns == 0);
        if (work) FUZZ_CHECK(empty(plan) && s.streak() == 0);
        // The streak moves by at most one per call and never wraps.
        FUZZ_CHECK(s.streak() == 0 || s.streak() == streak_before + 1 ||
                   (streak_before == UINT64_MAX && s.streak() == UINT64_MAX));
    }
}

void fuzz_adaptive(Input &in) {
    AdaptiveParams p;
    const bool raw = in.u8() % 8 == 0;
    for (const auto &t : wfisleep::adaptive_tunables()) {
        if (!in.flag()) continue;  // keep the default
        const uint64_t v = in.u64(in.u8() % 9);
        p.*t.field = raw ? v : t.min + (t.max > t.min ? v % (t.max - t.min + 1) : 0);
    }
    // What the config parser can produce: every tunable in range, cross rules ok.
    bool valid = wfisleep::adaptive_params_error(p) == nullptr;
    for (const auto &t : wfisleep::adaptive_tunables()) {
        valid = valid && p.*t.field >= t.min && p.*t.field <= t.max;
    }
    AdaptivePolicy a(p);
    uint64_t now = in.u64();
    while (!in.empty()) {
        now = step(in, now);
        const uint32_t op = in.u8() % 4;
        if (op == 0) {
            const bool work = in.u8() % 4 == 0;
            const uint64_t deadline = deadline_for(in, now);
            const wfisleep_plan plan = a.plan(now, work, deadline);
            if (work) FUZZ_CHECK(empty(plan));
            if (deadline == WFISLEEP_NO_DEADLINE) {
                FUZZ_CHECK(work || plan.sleep_ns == WFISLEEP_FOREVER);
                FUZZ_CHECK(plan.spin_ns == 0);
            } else {
                FUZZ_CHECK(plan.sleep_ns != WFISLEEP_FOREVER);
                const u128 sum = static_cast<u128>(plan.poll_ns) + plan.sleep_ns + plan.spin_ns;
                FUZZ_CHECK(sum <= (deadline > now ? deadline - now : 0));
            }
            FUZZ_CHECK(plan.strict == 0);
        } else if (op == 1) {
            // The phase list: ends never decrease, the last is the deadline
            // (or FOREVER without one), every sleep lasts at least its cost.
            const bool work = in.u8() % 4 == 0;
            const uint64_t deadline = deadline_for(in, now);
            wfisleep_plan2 p2{};
            p2.size = sizeof p2;
            a.plan2(now, work, deadline, p2);
            FUZZ_CHECK(p2.nphases <= AdaptivePolicy::kMaxPhases);
            if (work || (deadline != WFISLEEP_NO_DEADLINE && deadline <= now))
                FUZZ_CHECK(p2.nphases == 0);
            uint64_t prev = now;
            for (uint32_t k = 0; k < p2.nphases; ++k) {
                const wfisleep_phase &ph = p2.phase[k];
                FUZZ_CHECK(ph.end_ns >= prev);
                FUZZ_CHECK((ph.flags & WFISLEEP_PHASE_STRICT) == 0);
                if (ph.kind == WFISLEEP_PHASE_SLEEP && ph.end_ns != WFISLEEP_FOREVER && valid)
                    FUZZ_CHECK(ph.end_ns - prev >= p.sleep_min_ns);
                prev = ph.end_ns;
            }
            if (p2.nphases > 0 && deadline != WFISLEEP_NO_DEADLINE)
                FUZZ_CHECK(p2.phase[p2.nphases - 1].end_ns == deadline);
            if (p2.nphases > 0 && deadline == WFISLEEP_NO_DEADLINE)
                FUZZ_CHECK(p2.phase[p2.nphases - 1].end_ns == WFISLEEP_FOREVER);
        } else if (op == 2) {
            // An outcome as any executor might report it, wake times and all.
            wfisleep_outcome o{};
            o.size = sizeof o;
            o.flags = in.u8() & 7u;
            o.end_ns = step(in, now);
            o.ended_in = in.u8() % (WFISLEEP_MAX_PHASES + 1);
            for (uint64_t &w : o.wake_ns) w = in.flag() ? step(in, now) : 0;
            a.done2(o);
        } else {
            const uint64_t end = step(in, now);
            const bool kicked = in.flag();
            if (in.flag()) {
                a.done(end, kicked);
            } else {
                a.done(end, kicked, in.flag() ? 0 : step(in, now));
            }
        }
        if (valid) {
            if (a.poll_window_ns() < p.poll_min_ns || a.poll_window_ns() > p.poll_max_ns) {
                std::fprintf(
                    stderr, "advance %llu in [%llu, %llu], poll window %llu in [%llu, %llu]?\n",
                    (unsigned long long)a.advance_ns(), (unsigned long long)p.advance_min_ns,
                    (unsigned long long)p.advance_max_ns, (unsigned long long)a.poll_window_ns(),
                    (unsigned long long)p.poll_min_ns, (unsigned long long)p.poll_max_ns);
            }
            // Every class's advance lies in min..max, under its class cap.
            const uint64_t cap = a.classes().cap_ns(a.last_class());
            FUZZ_CHECK(a.advance_ns() >= std::min(p.advance_min_ns, cap) &&
                       a.advance_ns() <= std::min(p.advance_max_ns, cap));
            FUZZ_CHECK(a.poll_window_ns() >= p.poll_min_ns && a.poll_window_ns() <= p.poll_max_ns);
            FUZZ_CHECK(a.oversleep_mean_ns() <= p.advance_max_ns);
        } else {
            FUZZ_CHECK(a.advance_ns() <= 1000000000ull && a.poll_window_ns() <= 1000000000ull);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Input in(data, size);
    if (in.u8() % 2 == 0) {
        fuzz_seed(in);
    } else {
        fuzz_adaptive(in);
    }
    return 0;
}
