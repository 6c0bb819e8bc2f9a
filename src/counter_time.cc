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
    // The Arm generic timer's condition: it fires while CNTVCT >= CVAL, both
    // unsigned (KVM and QEMU's emulation compare the same way). A 64-bit
    // counter does not wrap in practice, so there is no signed distance.
    if (cntvct >= cval) {
        return now_ns;  // due now
    }
    const uint64_t ns = ticks_to_ns(cval - cntvct, freq_hz);
    if (now_ns >= kSaturated || ns >= kSaturated - now_ns) {
        return kSaturated;
    }
    return now_ns + ns;
}

}  // namespace wfisleep
