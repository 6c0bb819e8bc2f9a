// timer_slack_linux.cc - per-thread timer slack of 1 ns via prctl (default is 50 us).
#include <sys/prctl.h>

#include "platform/timer_slack.h"

namespace wfisleep::platform {

void lower_timer_slack_once() noexcept {
    thread_local bool done = false;
    if (!done) {
        done = true;
        // 1 is the smallest value: 0 would mean "reset to the default".
        (void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    }
}

}  // namespace wfisleep::platform
