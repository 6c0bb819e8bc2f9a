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

// KVM's adaptive LAPIC timer advance (arch/x86/kvm/lapic.c, as we read it):
// the timer is armed advance_ns early and the vCPU spins to the deadline;
// after each timer wake the advance moves by 1/8 of the error (wake -
// deadline), deltas under 100 ns or over 10 us leave it alone, and one above
// 5000 ns resets it to 1000 ns (the initial value). Pure.
class LapicAdvance {
  public:
    static constexpr uint64_t kInitNs = 1000;
    static constexpr uint64_t kMaxNs = 5000;
    uint64_t advance_ns() const { return advance_ns_; }
    // error_ns: when the timer's sleep returned minus the guest deadline.
    void after_timer_wake(int64_t error_ns);

  private:
    uint64_t advance_ns_ = kInitNs;
};

// Our model of KVM's in-kernel halt polling moved to the VMM thread. Like
// KVM it waits with a precise timer (the VMM gives every governor 1 ns
// slack) armed LapicAdvance early, spinning to the deadline, and it stops
// polling when its thread was preempted (userspace's closest analogue of
// KVM's single_task_running() check): the poll runs in short pieces and a
// piece that saw preemption ends it. Not KVM's code.
class KvmHaltpollGovernor final : public ModelGovernor {
  public:
    KvmHaltpollGovernor(uint64_t now_ns, const HaltPollParams &p)
        : ModelGovernor(now_ns), state_(p) {}
    void idle(bool has_work, uint64_t deadline_ns) override;
    // KVM's halt re-checks for pending work (kvm_vcpu_check_block); a kick
    // that found the vCPU in guest mode only forced an exit.
    void trap_begin() override { drop_stale_kick(); }

  protected:
    void fill_stats(wfisleep_stats *s) const override {
        s->poll_window_ns = state_.window_ns();
        s->advance_ns = advance_.advance_ns();
    }

  private:
    // One piece of the poll: short, so a preemption ends the poll soon.
    static constexpr uint64_t kPollPieceNs = 20000;

    HaltPollState state_;
    LapicAdvance advance_;
};

}  // namespace wfisvm
