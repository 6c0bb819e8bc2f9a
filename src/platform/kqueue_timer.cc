// kqueue_timer.cc - the macOS park's timer set-up, pure so Linux tests it too.
#include "platform/kqueue_timer.h"

#include "platform/parker.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {

KqueueTimerArm kqueue_timer_arm(uint64_t now_ns, uint64_t deadline_ns,
                                uint64_t leeway_ns) noexcept {
    KqueueTimerArm a;
    if (deadline_ns == WFISLEEP_FOREVER) {
        a.action = KqueueTimerArm::Action::remove;
        return a;
    }
    if (now_ns >= deadline_ns) {
        return a;  // due
    }
    a.action = KqueueTimerArm::Action::arm;
    const uint64_t gap = deadline_ns - now_ns;
    a.interval_ns = gap < static_cast<uint64_t>(kKqueueTimerMaxNs) ? static_cast<int64_t>(gap)
                                                                   : kKqueueTimerMaxNs;
    if (leeway_ns != kLeewayKeep) {
        a.set_leeway = true;
        a.leeway_ns = leeway_ns;
    }
    return a;
}

}  // namespace wfisleep::platform
