// kvm_haltpoll_model.h - model of KVM's halt polling (poll, then block; grow/shrink) run in
// userspace.
#pragma once

#include <cstdint>

#include "governors/model_governor.h"

namespace wfisvm {

// KVM's module parameters (virt/kvm/kvm_main.c); defaults are x86's.
struct HaltPollParams {
    uint64_t max_ns = 200000;     // halt_poll_ns: the largest window
    uint64_t grow = 2;            // halt_poll_ns_grow: 0 = never grow
    uint64_t grow_start = 10000;  // halt_poll_ns_grow_start
    uint64_t shrink = 0;          // halt_poll_ns_shrink: 0 = reset to 0
};

// Per-vCPU window and KVM's rules for it (pure; time is an argument).
class HaltPollState {
  public:
    explicit HaltPollState(const HaltPollParams &p) : p_(p) {}

    // The current per-vCPU window (vcpu->halt_poll_ns), starting at 0.
    uint64_t window_ns() const { return window_ns_; }

    // One halt at now_ns: caps the window at max (as KVM does on entry), then
    // poll for up to the window (ending at the deadline if sooner), then
    // block, kickable, until the deadline or, with none, until kicked.
    // Work pending or deadline passed: all zero.
    wfisleep_plan plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns);

    // KVM's adjustment after a halt of halt_ns in total (poll + block):
    // max 0 -> window 0; halt_ns <= window -> keep; window > 0 and
    // halt_ns > max -> shrink; window < max and halt_ns < max -> grow.
    void after_halt(uint64_t halt_ns);

  private:
    void grow();
    void shrink();

    HaltPollParams p_;
    uint64_t window_ns_ = 0;
};

// Our model of KVM's in-kernel halt polling moved to the VMM thread: it cannot
// see whether another task is runnable (KVM stops polling then), and its
// timer is the library's sleep, not an hrtimer. Not KVM's code.
class KvmHaltpollGovernor final : public ModelGovernor {
  public:
    KvmHaltpollGovernor(uint64_t now_ns, const HaltPollParams &p)
        : ModelGovernor(now_ns), state_(p) {}
    void idle(bool has_work, uint64_t deadline_ns) override;
    // KVM's halt re-checks for pending work (kvm_vcpu_check_block); a kick
    // that found the vCPU in guest mode only forced an exit.
    void trap_begin() override { drop_stale_kick(); }

  protected:
    void fill_stats(wfisleep_stats *s) const override { s->poll_window_ns = state_.window_ns(); }

  private:
    HaltPollState state_;
};

}  // namespace wfisvm
