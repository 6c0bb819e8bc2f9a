// deadline_spin_model.h - a fixed-spin baseline: sleep to a fixed time before the guest deadline,
// then spin to it.
#pragma once

#include <cstdint>

#include "governors/model_governor.h"

namespace wfisvm {

// The decision (pure): as deadline_model_plan, but the last spin_ns of a
// bounded wait are a busy spin instead of a sleep (all of it when the
// deadline is nearer than spin_ns). No deadline -> block until kicked.
wfisleep_plan deadline_spin_model_plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns,
                                       uint64_t spin_ns);

// A baseline of ours, not a peer: what a fixed host-timer margin buys for a
// fixed CPU cost, to compare with adaptive's learned margin. Every phase
// ends at once on a kick; a stale kick is kept, as in the deadline model.
class DeadlineSpinGovernor final : public ModelGovernor {
  public:
    DeadlineSpinGovernor(uint64_t now_ns, uint64_t spin_ns)
        : ModelGovernor(now_ns), spin_ns_(spin_ns) {}
    void idle(bool has_work, uint64_t deadline_ns) override;

  private:
    uint64_t spin_ns_;
};

}  // namespace wfisvm
