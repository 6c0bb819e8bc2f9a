// kqueue_timer.h - what one timed park asks of the macOS kqueue timer, as plain numbers.
#pragma once

#include <cstdint>

namespace wfisleep::platform {

// The EVFILT_TIMER change one park makes (parker_kqueue_apple.cc maps it to a
// kevent64_s). Kept free of Apple headers so every platform's tests check it.
struct KqueueTimerArm {
    enum class Action : uint8_t {
        due,     // the deadline has passed: do not wait
        remove,  // no timeout: delete a timer an earlier park left armed
        arm,     // (re-)arm a one-shot timer interval_ns from now
    };
    Action action = Action::due;
    int64_t interval_ns = 0;  // arm: 1..kKqueueTimerMaxNs
    bool set_leeway = false;  // arm: NOTE_CRITICAL | NOTE_LEEWAY with leeway_ns
    uint64_t leeway_ns = 0;
};

// Longest interval one park arms. The kernel reads the interval as a signed
// 64-bit number and fires a negative one at once, so a far deadline must not
// reach it unclamped; a park that ends before its deadline is a spurious
// return the waiter's loop parks again from (once an hour at most).
inline constexpr int64_t kKqueueTimerMaxNs = 3600LL * 1000000000LL;

// The timer change for a park at now_ns until deadline_ns (WFISLEEP_FOREVER:
// none) with the configured leeway (kLeewayKeep: the platform's default).
// Pure.
KqueueTimerArm kqueue_timer_arm(uint64_t now_ns, uint64_t deadline_ns, uint64_t leeway_ns) noexcept;

}  // namespace wfisleep::platform
