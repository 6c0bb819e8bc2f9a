// kvm_haltpoll_model.cc - KVM's halt polling (window rules, precise timer with LAPIC advance, poll
// ended by preemption) on the library's wait (a model).
#include "governors/kvm_haltpoll_model.h"

#include <algorithm>

namespace wfisvm {

wfisleep_plan HaltPollState::plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) {
    window_ns_ = std::min(window_ns_, p_.max_ns);
    wfisleep_plan plan{};
    if (has_work) return plan;
    if (deadline_ns == WFISLEEP_NO_DEADLINE) {
        plan.poll_ns = window_ns_;
        plan.sleep_ns = WFISLEEP_FOREVER;
        return plan;
    }
    if (deadline_ns <= now_ns) return plan;
    const uint64_t remaining = deadline_ns - now_ns;
    // The in-kernel timer makes the vCPU runnable at the deadline, which also
    // ends a poll in progress.
    plan.poll_ns = std::min(window_ns_, remaining);
    plan.sleep_ns = remaining - plan.poll_ns;
    return plan;
}

void HaltPollState::after_halt(uint64_t halt_ns) {
    if (p_.max_ns == 0) {
        window_ns_ = 0;
    } else if (halt_ns <= window_ns_) {
        // Woke within the window: polling paid off, keep it.
    } else if (window_ns_ != 0 && halt_ns > p_.max_ns) {
        shrink();  // a long block: polling was wasted
    } else if (window_ns_ < p_.max_ns && halt_ns < p_.max_ns) {
        grow();  // a short halt the window just missed
    }
}

void HaltPollState::grow() {
    if (p_.grow == 0) return;
    uint64_t v = window_ns_ * p_.grow;
    if (v < p_.grow_start) v = p_.grow_start;
    window_ns_ = std::min(v, p_.max_ns);  // KVM caps at the next halt; same effect
}

void HaltPollState::shrink() {
    uint64_t v = p_.shrink == 0 ? 0 : window_ns_ / p_.shrink;
    if (v < p_.grow_start) v = 0;
    window_ns_ = v;
}

void LapicAdvance::after_timer_wake(int64_t error_ns) {
    const uint64_t mag =
        error_ns < 0 ? static_cast<uint64_t>(-error_ns) : static_cast<uint64_t>(error_ns);
    if (mag < 100 || mag > 10000) return;  // close enough, or an outlier
    if (error_ns < 0) {
        advance_ns_ -= std::min(advance_ns_, mag / 8);  // fired too early
    } else {
        advance_ns_ += mag / 8;  // too late
    }
    if (advance_ns_ > kMaxNs) advance_ns_ = kInitNs;
}

namespace {
wfisleep_plan2 one_phase(uint64_t now_ns, uint32_t kind, uint64_t end_ns) {
    wfisleep_plan2 p{};
    p.size = sizeof p;
    p.start_ns = now_ns;
    p.nphases = 1;
    p.phase[0].kind = kind;
    p.phase[0].end_ns = end_ns;
    return p;
}
}  // namespace

void KvmHaltpollGovernor::idle(bool has_work, uint64_t deadline_ns) {
    const uint64_t start = wfisleep_now_ns();
    const wfisleep_plan plan = state_.plan(start, has_work, deadline_ns);
    wfisleep_outcome o{};
    o.size = sizeof o;
    if (plan.poll_ns == 0 && plan.sleep_ns == 0) {
        // Work pending or deadline passed: as in KVM, it counts, ~0 ns.
        run(plan, has_work);
        state_.after_halt(0);
        return;
    }
    count_halt(false);  // one halt, however many waits it takes below
    // Poll in pieces up to the window; a kick ends the halt, a preemption
    // ends the poll (KVM: another task became runnable).
    const uint64_t poll_end = start + plan.poll_ns;
    for (uint64_t t = start; t < poll_end;) {
        const uint64_t piece_end = std::min(poll_end, t + kPollPieceNs);
        const WaitResult r = run2(one_phase(t, WFISLEEP_PHASE_POLL, piece_end), false, &o, false);
        if (r.kicked) {
            state_.after_halt(wfisleep_now_ns() - start);
            return;
        }
        if ((o.flags & WFISLEEP_OUTCOME_PREEMPTED) != 0) break;
        t = wfisleep_now_ns();
    }
    // Block: without a deadline until kicked; else the hrtimer, armed the
    // LAPIC advance early, then a spin to the deadline.
    const uint64_t now = wfisleep_now_ns();
    wfisleep_plan2 block{};
    block.size = sizeof block;
    block.start_ns = now;
    if (deadline_ns == WFISLEEP_NO_DEADLINE) {
        block = one_phase(now, WFISLEEP_PHASE_SLEEP, WFISLEEP_FOREVER);
    } else if (deadline_ns > now) {
        const uint64_t adv = advance_.advance_ns();
        const uint64_t wake = deadline_ns > now + adv ? deadline_ns - adv : now;
        block.nphases = 2;
        block.phase[0].kind = WFISLEEP_PHASE_SLEEP;
        block.phase[0].end_ns = wake;
        block.phase[1].kind = WFISLEEP_PHASE_SPIN;
        block.phase[1].end_ns = deadline_ns;
    }
    if (block.nphases > 0) {
        const WaitResult r = run2(block, false, &o, false);
        if (!r.kicked && deadline_ns != WFISLEEP_NO_DEADLINE && o.wake_ns[0] != 0)
            advance_.after_timer_wake(static_cast<int64_t>(o.wake_ns[0]) -
                                      static_cast<int64_t>(deadline_ns));
    }
    state_.after_halt(wfisleep_now_ns() - start);
}

}  // namespace wfisvm
