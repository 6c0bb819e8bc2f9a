// timer_slack_linux.cc - per-thread timer slack via prctl (Linux's default is 50 us).
#include <sys/prctl.h>

#include "platform/timer_slack.h"

namespace wfisleep::platform {

void apply_timer_slack(uint64_t slack_ns) noexcept {
    // The value this thread was last given by us (0: never), so the hot path
    // costs one thread-local compare after the first call.
    thread_local uint64_t applied = 0;
    if (slack_ns == kLeewayKeep || slack_ns == 0 || slack_ns == applied) {
        return;  // 0 would mean "reset to the default" to the kernel: not ours to do
    }
    if (prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(slack_ns), 0UL, 0UL, 0UL) == 0) {
        applied = slack_ns;
    }
}

}  // namespace wfisleep::platform
