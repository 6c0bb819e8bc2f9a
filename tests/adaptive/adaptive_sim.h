// adaptive_sim.h - fake-clock driver for the adaptive policy: what a waiter would do with a plan.
#pragma once

#include <cstdint>

#include "policy/adaptive_policy.h"

namespace adaptive_test {

// How one simulated wait ended.
struct Outcome {
    uint64_t end_ns = 0;
    bool kicked = false;
    uint64_t woke_ns = 0;  // when the sleep phase returned (0: none ran)
    bool in_poll = false;  // the kick landed during the poll phase
};

// Executes plan p made at now like the library's waiter does (phase ends are
// absolute; an oversleep eats into the spin), on a fake clock. kick_at: when
// a kick arrives (UINT64_MAX: never). oversleep_ns: how late a timed sleep
// returns after its end. A forever sleep without a kick would never return;
// callers always give one then.
inline Outcome execute(const wfisleep_plan &p, uint64_t now, uint64_t kick_at,
                       uint64_t oversleep_ns) {
    Outcome o;
    const uint64_t poll_end = now + p.poll_ns;
    if (kick_at < poll_end) {
        o.end_ns = kick_at < now ? now : kick_at;
        o.kicked = true;
        o.in_poll = true;
        return o;
    }
    if (p.sleep_ns == WFISLEEP_FOREVER) {
        o.end_ns = kick_at;
        o.kicked = true;
        o.woke_ns = kick_at;
        return o;
    }
    const uint64_t sleep_end = poll_end + p.sleep_ns;
    uint64_t t = poll_end;
    if (p.sleep_ns > 0) {
        const uint64_t woke = sleep_end + oversleep_ns;
        if (kick_at < woke) {
            o.end_ns = kick_at;
            o.kicked = true;
            o.woke_ns = kick_at;
            return o;
        }
        o.woke_ns = woke;
        t = woke;
    }
    const uint64_t spin_end = sleep_end + p.spin_ns;
    if (t >= spin_end) {
        o.end_ns = t;
        return o;
    }
    if (kick_at < spin_end) {
        o.end_ns = kick_at < t ? t : kick_at;
        o.kicked = true;
        return o;
    }
    o.end_ns = spin_end;
    return o;
}

// How one simulated plan2 wait went: the outcome done2 takes, plus what it cost.
struct Outcome2 {
    wfisleep_outcome o{};
    uint64_t busy_ns = 0;     // time spent in poll and spin phases
    uint32_t sleeps_run = 0;  // sleep phases that really blocked (a wake-up each)
};

// Executes a plan2 like the library's waiter, on a fake clock: phases in
// order to their absolute ends; a sleep that starts at t before its end
// returns law(end - t) ns late (a sleep whose end has passed returns at
// once, with its wake time recorded, as the waiter does); a kick at kick_at
// ends any phase at once. preempt_at/preempt_ns: the thread loses the CPU
// for preempt_ns when a busy phase reaches preempt_at (the gap is reported
// as PREEMPTED; a YIELD phase then blocks to its end instead of spinning).
template <typename Law>
Outcome2 execute2(const wfisleep_plan2 &p, uint64_t kick_at, Law law,
                  uint64_t preempt_at = UINT64_MAX, uint64_t preempt_ns = 0) {
    Outcome2 r;
    r.o.size = sizeof r.o;
    uint64_t t = p.start_ns;
    uint64_t gap = preempt_ns;
    r.o.ended_in = p.nphases;
    for (uint32_t i = 0; i < p.nphases; ++i) {
        const wfisleep_phase &ph = p.phase[i];
        if (ph.kind == WFISLEEP_PHASE_SLEEP) {
            if (ph.end_ns == WFISLEEP_FOREVER ||
                (t < ph.end_ns && kick_at < ph.end_ns + law(ph.end_ns - t))) {
                t = kick_at < t ? t : kick_at;
                r.o.wake_ns[i] = t;
                r.o.flags |= WFISLEEP_OUTCOME_KICKED;
                r.o.ended_in = i;
                break;
            }
            if (t < ph.end_ns) {
                t = ph.end_ns + law(ph.end_ns - t);
                ++r.sleeps_run;
            }
            r.o.wake_ns[i] = t;
            continue;
        }
        // A poll or spin phase.
        if (t >= ph.end_ns && kick_at > t) {
            continue;
        }
        const bool kick_in = kick_at < ph.end_ns;
        const uint64_t stop = kick_in ? kick_at : ph.end_ns;
        if (gap > 0 && preempt_at >= t && preempt_at < stop) {
            r.busy_ns += preempt_at - t;
            t = preempt_at + gap;
            r.o.flags |= WFISLEEP_OUTCOME_PREEMPTED;
            r.o.preempted_ns += gap;
            gap = 0;  // once per wait
            if ((ph.flags & WFISLEEP_PHASE_YIELD) != 0 && !kick_in) {
                t = t > ph.end_ns ? t : ph.end_ns;  // blocked for the rest, no CPU
                continue;
            }
        }
        if (kick_in) {
            r.busy_ns += kick_at > t ? kick_at - t : 0;
            t = kick_at > t ? kick_at : t;
            r.o.flags |= WFISLEEP_OUTCOME_KICKED;
            r.o.ended_in = i;
            break;
        }
        if (t < ph.end_ns) {
            r.busy_ns += ph.end_ns - t;
            t = ph.end_ns;
        }
    }
    r.o.end_ns = t;
    return r;
}

// Reports an outcome to the policy, with or without the sleep's wake time.
inline void report(wfisleep::AdaptivePolicy &pol, const Outcome &o, bool with_wake_time) {
    if (with_wake_time)
        pol.done(o.end_ns, o.kicked, o.woke_ns);
    else
        pol.done(o.end_ns, o.kicked);
}

}  // namespace adaptive_test
