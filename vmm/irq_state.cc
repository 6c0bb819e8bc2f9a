// irq_state.cc - pending vectors and the race-free kick of a vCPU (protocol in irq_state.h).
#include "irq_state.h"

#include "wfis_guest_abi.h"

namespace wfisvm {

namespace {
uint64_t bit(uint8_t vector) {
    return uint64_t{1} << (vector - kFirstVector);
}
}  // namespace

void IrqState::raise_local(uint8_t vector) {
    pending_.fetch_or(bit(vector), std::memory_order_release);
}

void IrqState::raise(uint8_t vector) {
    // Already pending: the raise that set the bit kicked, and the bit stays
    // until the vCPU takes it, so the vCPU will deliver it anyway. Kicking
    // again would only abort KVM_RUN before the queued injection reaches
    // the guest (a storm of kicks would then starve the vCPU).
    if (pending_.fetch_or(bit(vector), std::memory_order_seq_cst) & bit(vector)) {
        // QEMU kicks on every cross-thread interrupt (cpu_interrupt ->
        // qemu_cpu_kick), but the guest's own timer is not one of them.
        if (kicks_ == KickPattern::kQemu && vector != WFIS_VEC_TIMER && governor_)
            governor_->kick();
        return;
    }
    kick();
}

void IrqState::kick() {
    generation_.fetch_add(1, std::memory_order_seq_cst);
    if (governor_) governor_->kick();
    if (in_run_.load(std::memory_order_seq_cst) && vcpu_) vcpu_->request_exit();
}

bool IrqState::take(uint8_t *vector) {
    uint64_t p = pending_.load(std::memory_order_acquire);
    while (p) {
        int top = 63 - __builtin_clzll(p);
        uint64_t b = uint64_t{1} << top;
        if (pending_.compare_exchange_weak(p, p & ~b, std::memory_order_acq_rel)) {
            *vector = static_cast<uint8_t>(kFirstVector + top);
            return true;
        }
    }
    return false;
}

bool IrqState::enter_run(uint64_t seen) {
    in_run_.store(true, std::memory_order_seq_cst);
    if (generation_.load(std::memory_order_seq_cst) != seen) {
        in_run_.store(false, std::memory_order_seq_cst);
        return false;
    }
    return true;
}

}  // namespace wfisvm
