// pv_timer.cc - guest TSC deadline -> host clock deadline, arming and firing of the paravirtual
// timer.
#include "pv_timer.h"

namespace wfisvm {

namespace {
__extension__ typedef unsigned __int128 u128;
}  // namespace

uint64_t TscMap::host_ns(uint64_t tsc) const {
    uint64_t hz = khz * 1000u;
    if (tsc >= tsc0) {
        uint64_t d = wfisleep_ticks_to_ns(tsc - tsc0, hz);
        return d > UINT64_MAX - 1 - ns0 ? UINT64_MAX - 1 : ns0 + d;
    }
    uint64_t d = wfisleep_ticks_to_ns(tsc0 - tsc, hz);
    return d >= ns0 ? 0 : ns0 - d;
}

uint64_t TscMap::tsc_at(uint64_t ns) const {
    if (ns <= ns0) return tsc0;
    u128 t = static_cast<u128>(ns - ns0) * khz / 1000000u;
    return tsc0 + static_cast<uint64_t>(t);
}

uint64_t PvTimer::write_hi(uint32_t hi, uint64_t now_ns) {
    uint64_t tsc = (uint64_t{hi} << 32) | lo_;
    if (tsc == 0) {
        deadline_ns_ = WFISLEEP_NO_DEADLINE;
        return close_in_a_row_;
    }
    deadline_ns_ = map_.host_ns(tsc);
    close_in_a_row_ = deadline_ns_ < now_ns + kStormAheadNs ? close_in_a_row_ + 1 : 0;
    return close_in_a_row_;
}

bool PvTimer::fire_if_due(uint64_t now_ns) {
    if (deadline_ns_ == WFISLEEP_NO_DEADLINE || now_ns < deadline_ns_) return false;
    deadline_ns_ = WFISLEEP_NO_DEADLINE;
    return true;
}

}  // namespace wfisvm
