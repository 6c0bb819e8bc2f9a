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

// Reports an outcome to the policy, with or without the sleep's wake time.
inline void report(wfisleep::AdaptivePolicy &pol, const Outcome &o, bool with_wake_time) {
    if (with_wake_time)
        pol.done(o.end_ns, o.kicked, o.woke_ns);
    else
        pol.done(o.end_ns, o.kicked);
}

}  // namespace adaptive_test
