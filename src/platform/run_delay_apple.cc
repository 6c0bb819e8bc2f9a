// run_delay_apple.cc - macOS offers no per-thread run-queue delay: no local signal. UNTESTED HERE:
// this machine is Linux; only syntax-checked for arm64-apple-macos.
//
// thread_info(THREAD_BASIC_INFO) has CPU times and a run state, not the time
// a thread waited runnable, and getrusage has no per-thread variant there. So
// the policy cannot separate run-queue delay from timer lateness on macOS,
// and a busy loop's clock gap counts as a preemption by itself
// (docs/adaptive.md).
#include "platform/run_delay.h"

namespace wfisleep::platform {

RunDelaySample read_run_delay() noexcept {
    return {};
}

}  // namespace wfisleep::platform
