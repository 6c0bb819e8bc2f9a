// counter_time.cc - guest counter ticks to ns with 128-bit intermediate math.
#include "counter_time.h"

namespace wfisleep {
namespace {
constexpr uint64_t kSaturated = UINT64_MAX - 1;  // never WFISLEEP_NO_DEADLINE
__extension__ using u128 = unsigned __int128;
}  // namespace

uint64_t ticks_to_ns(uint64_t ticks, uint64_t freq_hz) noexcept {
    if (freq_hz == 0) {
        return kSaturated;
    }
    const u128 ns = static_cast<u128>(ticks) * 1000000000U / freq_hz;
    return ns >= kSaturated ? kSaturated : static_cast<uint64_t>(ns);
}

uint64_t counter_deadline_ns(uint64_t now_ns, uint64_t cntvct, uint64_t cval,
                             uint64_t freq_hz) noexcept {
    // Wrap-safe distance: the counter may have wrapped between the two reads.
    const uint64_t diff = cval - cntvct;
    if (static_cast<int64_t>(diff) <= 0) {
        return now_ns;  // deadline now or in the past
    }
    const uint64_t ns = ticks_to_ns(diff, freq_hz);
    if (now_ns >= kSaturated || ns >= kSaturated - now_ns) {
        return kSaturated;
    }
    return now_ns + ns;
}

}  // namespace wfisleep
