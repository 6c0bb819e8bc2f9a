// deadline_model.cc - libkrun-style kickable sleep to the deadline (a model written from
// libkrun's public source).
#include "governors/deadline_model.h"

namespace wfisvm {

wfisleep_plan deadline_model_plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) {
    wfisleep_plan p{};
    if (has_work) return p;
    if (deadline_ns == WFISLEEP_NO_DEADLINE) {
        p.sleep_ns = WFISLEEP_FOREVER;
    } else if (deadline_ns > now_ns) {
        p.sleep_ns = deadline_ns - now_ns;
    }
    return p;
}

void DeadlineGovernor::idle(bool has_work, uint64_t deadline_ns) {
    run(deadline_model_plan(wfisleep_now_ns(), has_work, deadline_ns), has_work);
}

}  // namespace wfisvm
