// clock_linux.cc - library clock on Linux: CLOCK_MONOTONIC and clock_nanosleep.
#include <cerrno>
#include <ctime>

#include "platform/clock.h"

namespace wfisleep::platform {

uint64_t now_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

void sleep_until_ns(uint64_t deadline_ns) noexcept {
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(deadline_ns / 1000000000ULL);
    ts.tv_nsec = static_cast<long>(deadline_ns % 1000000000ULL);
    // Absolute deadline: an interrupted sleep resumes without drifting.
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
}

}  // namespace wfisleep::platform
