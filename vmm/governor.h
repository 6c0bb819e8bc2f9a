// governor.h - how a vCPU thread waits on an idle trap (HLT exit), independent of KVM.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "wfisleep/wfisleep.h"

namespace wfisvm {

struct HostTimerSpec;  // spec.h

// One instance per vCPU, created before the vCPU thread starts.
// Thread-safety: idle() and stats() only on the vCPU thread (stats() also
// after it stopped); kick() from any thread, including signal handlers'
// callers, at any time between creation and destruction.
class Governor {
  public:
    virtual ~Governor() = default;

    // The guest halted. has_work: an interrupt is already pending.
    // deadline_ns: guest timer deadline on wfisleep_now_ns()'s clock, or
    // WFISLEEP_NO_DEADLINE. Returns when the vCPU should re-enter the guest:
    // at the latest shortly after deadline_ns (except models whose point is
    // to be late, e.g. qemu11's millisecond timer, or the seed's fixed
    // sleep), at once after kick().
    virtual void idle(bool has_work, uint64_t deadline_ns) = 0;

    // An interrupt became pending: end the current or next idle() early.
    virtual void kick() = 0;

    // The vCPU left the guest on a halt, before has_work is sampled (vCPU
    // thread). A governor whose real counterpart keeps no stale kick drops
    // a pending one here (race-free: a kick after this call is kept); one
    // that keeps it (QEMU 10.x's pending SIG_IPI) does nothing.
    virtual void trap_begin() {}

    // Counters in the library's shape (models fill what applies).
    virtual wfisleep_stats stats() const = 0;

    // host=macos: from now on every bounded sleep of this governor's waits
    // (and of a model's own timer loop) ends late by the coalescing model
    // (governors/coalescing_timer.h). Before the vCPU thread's first idle().
    // seed: the run's seed mixed with the vCPU index. Default: no bounded
    // sleeps to model.
    virtual void use_host_timer(const HostTimerSpec &spec, uint64_t seed) {
        (void)spec;
        (void)seed;
    }
};

}  // namespace wfisvm
