// timebase_scale.cc - the fixed-point factor of a clock timebase (pure, tested on every platform).
#include "platform/timebase_scale.h"

namespace wfisleep::platform {

TimebaseScale make_timebase_scale(uint32_t numer, uint32_t denom) noexcept {
    __extension__ using u128 = unsigned __int128;
    if (denom == 0) {
        return TimebaseScale{};
    }
    TimebaseScale s;
    s.whole = numer / denom;
    s.frac = static_cast<uint64_t>((static_cast<u128>(numer % denom) << 64) / denom);
    return s;
}

}  // namespace wfisleep::platform
