// qemu10_model.cc - QEMU 10's hvf_wfi decision (a model written from its public source).
#include "governors/qemu10_model.h"

namespace wfisvm {

wfisleep_plan qemu10_model_plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) {
    wfisleep_plan p{};
    if (has_work) return p;
    if (deadline_ns == WFISLEEP_NO_DEADLINE) {
        p.sleep_ns = WFISLEEP_FOREVER;
        return p;
    }
    if (deadline_ns <= now_ns) return p;
    const uint64_t remaining = deadline_ns - now_ns;
    if (remaining < kQemu10MinSleepNs) return p;  // the guest spins through short waits
    p.sleep_ns = remaining;
    return p;
}

void Qemu10Governor::idle(bool has_work, uint64_t deadline_ns) {
    run(qemu10_model_plan(wfisleep_now_ns(), has_work, deadline_ns), has_work);
}

}  // namespace wfisvm
