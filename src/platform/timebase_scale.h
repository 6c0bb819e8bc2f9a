// timebase_scale.h - ticks to ns by a precomputed fixed-point factor (the macOS clock's timebase).
#pragma once

#include <cstdint>

namespace wfisleep::platform {

// ns per tick as whole + frac / 2^64, from a timebase numer/denom, so a
// clock read costs two multiplies instead of a 128-bit divide.
struct TimebaseScale {
    uint64_t whole = 1;
    uint64_t frac = 0;
};

// The factor numer/denom (denom 0 is taken as 1:1). Pure.
TimebaseScale make_timebase_scale(uint32_t numer, uint32_t denom) noexcept;

// ticks * numer / denom, rounded down or one below that (the fraction is
// rounded down to 64 bits), never above. Pure.
inline uint64_t scale_ticks(uint64_t ticks, TimebaseScale s) noexcept {
    __extension__ using u128 = unsigned __int128;
    return ticks * s.whole + static_cast<uint64_t>((static_cast<u128>(ticks) * s.frac) >> 64);
}

}  // namespace wfisleep::platform
