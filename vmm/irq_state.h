// irq_state.h - per-vCPU pending interrupt vectors and the kick that makes the vCPU notice a new
// one.
#pragma once

#include <atomic>
#include <cstdint>

#include "governor.h"
#include "hypervisor.h"
#include "spec.h"

namespace wfisvm {

// Vectors 0x20..0x5f can be pending (the ABI uses 0x20 and 0x21).
constexpr uint8_t kFirstVector = 0x20;
constexpr uint8_t kLastVector = 0x5f;

// Why no kick is lost (see docs/testbed.md):
//  raise():  pending |= bit (if it was set already: done, the raise that
//            set it kicked); generation++ (seq_cst); governor->kick();
//            if in_run (seq_cst load): vcpu->request_exit().
//  vCPU:     g = generation; deliver what is pending; in_run = true
//            (seq_cst); if generation != g: in_run = false, loop again;
//            else KVM_RUN.
// By the seq_cst total order either the vCPU sees the new generation before
// entering (and delivers), or the raiser sees in_run and requests an exit;
// request_exit works whether the vCPU is already in the guest (signal
// interrupts KVM_RUN) or about to enter (the signal, blocked outside
// KVM_RUN, stays pending and KVM_RUN returns at once; immediate_exit too).
// A vCPU waiting in the governor is woken by governor->kick(), whose word
// keeps a kick that lands before the wait starts.
// Memory ordering: the pending bit is set before the generation increment
// and read after the generation load by the vCPU, so a delivered
// generation implies a visible bit.
class IrqState {
  public:
    // Before any raise(): the vCPU, (userspace mode) its governor and the
    // scenario's kick pattern (spec.h).
    void attach(HvVcpu *vcpu, Governor *governor, KickPattern kicks = KickPattern::kVector) {
        vcpu_ = vcpu;
        governor_ = governor;
        kicks_ = kicks;
    }

    // Any thread: make `vector` pending and wake the vCPU wherever it is.
    // kicks=qemu: a device vector that was pending already still kicks the
    // governor (its wake word), but forces no KVM_RUN exit.
    void raise(uint8_t vector);
    // vCPU thread: make `vector` pending without a kick (its own timer).
    void raise_local(uint8_t vector);
    // Any thread: wake the vCPU without an interrupt (stop, timeout).
    void kick();

    uint64_t generation() const { return generation_.load(std::memory_order_seq_cst); }
    bool pending() const { return pending_.load(std::memory_order_acquire) != 0; }
    // vCPU thread: takes the highest pending vector (x86 priority order).
    bool take(uint8_t *vector);
    // vCPU thread: brackets one run(); enter_run false = a raise arrived
    // since generation `seen` was read: deliver again instead of running.
    bool enter_run(uint64_t seen);
    void leave_run() { in_run_.store(false, std::memory_order_seq_cst); }

  private:
    std::atomic<uint64_t> pending_{0};
    std::atomic<uint64_t> generation_{0};
    std::atomic<bool> in_run_{false};
    HvVcpu *vcpu_ = nullptr;
    Governor *governor_ = nullptr;
    KickPattern kicks_ = KickPattern::kVector;
};

}  // namespace wfisvm
