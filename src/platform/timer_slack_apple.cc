// timer_slack_apple.cc - macOS has no per-thread timer slack: the leeway is per timer (the
// parker's). UNTESTED HERE: this machine is Linux; only syntax-checked for arm64-apple-macos.
//
// macOS coalesces ordinary timed waits (up to 12.5% of the interval, at most
// 1 ms late). The kqueue parker asks each timer for NOTE_CRITICAL with the
// configured leeway instead; a time-constraint (real-time) thread policy
// would also remove the slop, but setting one from a library would change
// the embedder's scheduling behind its back, so we do not.
#include "platform/timer_slack.h"

namespace wfisleep::platform {

void apply_timer_slack(uint64_t /*slack_ns*/) noexcept {}

}  // namespace wfisleep::platform
