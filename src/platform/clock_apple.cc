// clock_apple.cc - library clock on macOS: mach_absolute_time with the timebase.
// UNTESTED HERE: this machine is Linux; compiled only for Apple targets.
#include <mach/mach_time.h>

#include "platform/clock.h"
#include "platform/timebase_scale.h"

namespace wfisleep::platform {
namespace {

mach_timebase_info_data_t timebase() noexcept {
    // Function-local static: initialised once, thread-safe (no lock after).
    static const mach_timebase_info_data_t tb = [] {
        mach_timebase_info_data_t t{};
        mach_timebase_info(&t);
        return t;
    }();
    return tb;
}

}  // namespace

uint64_t now_ns() noexcept {
    // Precomputed once: a read in a spin loop costs two multiplies, not a
    // 128-bit divide.
    static const TimebaseScale scale = [] {
        const mach_timebase_info_data_t tb = timebase();
        return make_timebase_scale(tb.numer, tb.denom);
    }();
    return scale_ticks(mach_absolute_time(), scale);
}

void sleep_until_ns(uint64_t deadline_ns) noexcept {
    const mach_timebase_info_data_t tb = timebase();
    __extension__ using u128 = unsigned __int128;
    // Convert the ns deadline back to absolute ticks for mach_wait_until,
    // rounded up: now_ns() may read 1 ns below the exact conversion.
    const uint64_t ticks = static_cast<uint64_t>(
        (static_cast<u128>(deadline_ns) * tb.denom + tb.numer - 1) / tb.numer);
    while (now_ns() < deadline_ns) {
        mach_wait_until(ticks);
    }
}

}  // namespace wfisleep::platform
