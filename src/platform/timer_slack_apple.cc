// timer_slack_apple.cc - macOS has no per-thread timer slack knob: deliberately a no-op.
// UNTESTED HERE: this machine is Linux; compiled only for Apple targets.
//
// macOS coalesces ordinary sleeps (up to 12.5% of the interval, at most 1 ms
// late). Only a time-constraint (real-time) thread policy removes that, and
// setting one from a library would change the embedder's scheduling behind
// its back, so we do not. The adaptive policy's spin tail and learned wake-up
// advance absorb the lateness instead.
#include "platform/timer_slack.h"

namespace wfisleep::platform {

void lower_timer_slack_once() noexcept {}

}  // namespace wfisleep::platform
