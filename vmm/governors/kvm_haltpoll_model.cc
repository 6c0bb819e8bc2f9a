// kvm_haltpoll_model.cc - KVM's halt-poll window rules, executed on the library's wait (a model).
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

void KvmHaltpollGovernor::idle(bool has_work, uint64_t deadline_ns) {
    const WaitResult r = run(state_.plan(wfisleep_now_ns(), has_work, deadline_ns), has_work);
    // As in KVM, a halt that ends at once (work pending) also counts: ~0 ns.
    state_.after_halt(r.spent_ns);
}

}  // namespace wfisvm
