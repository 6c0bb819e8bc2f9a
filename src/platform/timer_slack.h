// timer_slack.h - asks the platform to end the calling thread's timed waits on time.
#pragma once

#include <cstdint>

#include "platform/parker.h"

namespace wfisleep::platform {

// Sets the calling thread's timer slack to slack_ns (WFISLEEP_TIMER_SLACK_NS),
// at most one system call per thread and value: later calls with the value
// the thread already has are free. kLeewayKeep leaves the thread alone.
// Linux: prctl(PR_SET_TIMERSLACK). macOS has no per-thread knob: the leeway
// goes to each timer instead (parker_kqueue_apple.cc), so this is a no-op.
void apply_timer_slack(uint64_t slack_ns) noexcept;

}  // namespace wfisleep::platform
