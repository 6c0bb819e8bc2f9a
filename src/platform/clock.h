// clock.h - the library clock and a non-kickable sleep, per platform.
#pragma once

#include <cstdint>

namespace wfisleep::platform {

// Monotonic time in ns (Linux: CLOCK_MONOTONIC; Apple: mach_absolute_time
// converted with the timebase). No allocation, no lock.
uint64_t now_ns() noexcept;

// Sleeps until now_ns() >= deadline_ns, ignoring signals and kicks (the
// strict seed sleep, like the design document's g_usleep).
void sleep_until_ns(uint64_t deadline_ns) noexcept;

}  // namespace wfisleep::platform
