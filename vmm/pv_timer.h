// pv_timer.h - the paravirtual per-vCPU timer (WFIS_PORT_TIMER_*): a guest-TSC deadline mapped to
// the host clock.
#pragma once

#include <cstdint>

#include "wfisleep/wfisleep.h"

namespace wfisvm {

// Guest TSC <-> host clock (wfisleep_now_ns). Established by reading the
// guest TSC (KVM_GET_MSRS of IA32_TSC, vCPU stopped) between two host clock
// reads and pairing it with their midpoint; the rate is the guest TSC
// frequency (KVM_GET_TSC_KHZ). Error: half the bracket (~1-2 us here) plus
// the kHz rounding of the rate (< 1 us per second of run); measured per run.
struct TscMap {
    uint64_t tsc0 = 0;
    uint64_t ns0 = 0;
    uint64_t khz = 0;

    // Host time at which the guest TSC reaches `tsc`. Before ns0 clamps to
    // 0; overflow saturates at UINT64_MAX - 1 (never WFISLEEP_NO_DEADLINE).
    uint64_t host_ns(uint64_t tsc) const;
    // Guest TSC the map predicts at host time `ns` (ns >= ns0).
    uint64_t tsc_at(uint64_t ns) const;
};

// One vCPU's timer. vCPU thread only.
class PvTimer {
  public:
    void set_map(const TscMap &map) { map_ = map; }
    const TscMap &map() const { return map_; }

    void write_lo(uint32_t lo) { lo_ = lo; }
    // Arms at guest TSC HI:LO (0 disarms). Returns the number of arms in a
    // row whose deadline was less than kStormAheadNs ahead of now_ns (storm
    // detection; a disarm leaves the count alone).
    uint64_t write_hi(uint32_t hi, uint64_t now_ns);
    // Closer than any legal period: the shortest a scenario asks for is 100 us (hz=10000).
    static constexpr uint64_t kStormAheadNs = 5000;
    // Host deadline, or WFISLEEP_NO_DEADLINE when disarmed.
    uint64_t deadline_ns() const { return deadline_ns_; }
    // If armed and due at now_ns: disarm and return true (one fire per arm).
    bool fire_if_due(uint64_t now_ns);

  private:
    TscMap map_;
    uint32_t lo_ = 0;
    uint64_t deadline_ns_ = WFISLEEP_NO_DEADLINE;
    uint64_t close_in_a_row_ = 0;
};

}  // namespace wfisvm
