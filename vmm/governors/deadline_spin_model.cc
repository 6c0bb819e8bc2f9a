// deadline_spin_model.cc - kickable sleep to a fixed time before the deadline, then a spin to it.
#include "governors/deadline_spin_model.h"

#include <algorithm>

namespace wfisvm {

wfisleep_plan deadline_spin_model_plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns,
                                       uint64_t spin_ns) {
    wfisleep_plan p{};
    if (has_work) return p;
    if (deadline_ns == WFISLEEP_NO_DEADLINE) {
        p.sleep_ns = WFISLEEP_FOREVER;
    } else if (deadline_ns > now_ns) {
        const uint64_t remaining = deadline_ns - now_ns;
        p.spin_ns = std::min(spin_ns, remaining);
        p.sleep_ns = remaining - p.spin_ns;
    }
    return p;
}

void DeadlineSpinGovernor::idle(bool has_work, uint64_t deadline_ns) {
    run(deadline_spin_model_plan(wfisleep_now_ns(), has_work, deadline_ns, spin_ns_), has_work);
}

}  // namespace wfisvm
