// plan_convert.cc - folds the 0.1 plan shape into phases and back.
#include "plan_convert.h"

namespace wfisleep {

uint64_t phase_end_add(uint64_t a, uint64_t b) noexcept {
    constexpr uint64_t kLast = UINT64_MAX - 1;
    return a >= kLast || b > kLast - a ? kLast : a + b;
}

void plan2_from_plan(const wfisleep_plan &plan, uint64_t start_ns, wfisleep_plan2 &out) noexcept {
    out.nphases = 0;
    out.start_ns = start_ns;
    uint64_t t = start_ns;
    if (plan.poll_ns > 0) {
        t = phase_end_add(t, plan.poll_ns);
        push_phase(out, WFISLEEP_PHASE_POLL, 0, t);
    }
    if (plan.sleep_ns == WFISLEEP_FOREVER) {
        push_phase(out, WFISLEEP_PHASE_SLEEP, 0, WFISLEEP_FOREVER);
        return;
    }
    if (plan.sleep_ns > 0) {
        t = phase_end_add(t, plan.sleep_ns);
        push_phase(out, WFISLEEP_PHASE_SLEEP, plan.strict != 0 ? WFISLEEP_PHASE_STRICT : 0u, t);
    }
    if (plan.spin_ns > 0) {
        t = phase_end_add(t, plan.spin_ns);
        push_phase(out, WFISLEEP_PHASE_SPIN, 0, t);
    }
}

wfisleep_plan plan_from_plan2(const wfisleep_plan2 &plan) noexcept {
    wfisleep_plan p{0, 0, 0, 0};
    const uint32_t n = plan.nphases < WFISLEEP_MAX_PHASES ? plan.nphases : WFISLEEP_MAX_PHASES;
    uint64_t poll_end = plan.start_ns;
    uint32_t i = 0;
    for (; i < n && plan.phase[i].kind == WFISLEEP_PHASE_POLL; ++i) {
        poll_end = plan.phase[i].end_ns;
    }
    uint64_t sleep_end = poll_end;
    bool forever = false;
    for (uint32_t j = i; j < n; ++j) {
        const wfisleep_phase &ph = plan.phase[j];
        if (ph.kind == WFISLEEP_PHASE_SLEEP) {
            forever = ph.end_ns == WFISLEEP_FOREVER;
            sleep_end = ph.end_ns;
            if ((ph.flags & WFISLEEP_PHASE_STRICT) != 0) {
                p.strict = 1;
            }
        }
    }
    const uint64_t last_end = n > 0 ? plan.phase[n - 1].end_ns : plan.start_ns;
    p.poll_ns = poll_end > plan.start_ns ? poll_end - plan.start_ns : 0;
    if (forever) {
        p.sleep_ns = WFISLEEP_FOREVER;
        return p;
    }
    p.sleep_ns = sleep_end > poll_end ? sleep_end - poll_end : 0;
    p.spin_ns = last_end > sleep_end ? last_end - sleep_end : 0;
    return p;
}

}  // namespace wfisleep
