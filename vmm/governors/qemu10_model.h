// qemu10_model.h - model of QEMU 6.2-10.x hvf_wfi: spin below 2 ms, else kickable sleep.
#pragma once

#include <cstdint>

#include "governors/model_governor.h"

namespace wfisvm {

// QEMU's threshold: a deadline less than this far away returns at once
// ("don't sleep for less than a context switch", QEMU 10.x target/arm/hvf/hvf.c). Exactly 2 ms
// sleeps.
inline constexpr uint64_t kQemu10MinSleepNs = 2'000'000;

// The decision (pure): work pending or deadline passed -> return at once; no
// deadline (timer disabled/masked) -> block until kicked; deadline under
// kQemu10MinSleepNs away -> return at once; else sleep, kickable, until it.
wfisleep_plan qemu10_model_plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns);

// Our model of QEMU 10's pselect-based hvf_wfi, not QEMU's code. Keeps a
// stale kick (no trap_begin): QEMU's SIG_IPI stays pending until the next
// pselect unblocks it, which then returns at once.
class Qemu10Governor final : public ModelGovernor {
  public:
    explicit Qemu10Governor(uint64_t now_ns) : ModelGovernor(now_ns) {}
    void idle(bool has_work, uint64_t deadline_ns) override;
};

}  // namespace wfisvm
