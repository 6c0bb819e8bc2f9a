// deadline_model.h - model of libkrun's WFI handling: a kickable sleep to the guest deadline.
#pragma once

#include <cstdint>

#include "governors/model_governor.h"

namespace wfisvm {

// The decision (pure): work pending or deadline passed -> return at once; no
// deadline -> block until kicked; else sleep, kickable, until the deadline.
// No minimum threshold and no polling (libkrun's recv_timeout).
wfisleep_plan deadline_model_plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns);

// Our model of libkrun's behaviour, not libkrun's code. Keeps a stale kick
// (no trap_begin): a message sent to libkrun's channel stays queued until
// the next recv_timeout takes it.
class DeadlineGovernor final : public ModelGovernor {
  public:
    explicit DeadlineGovernor(uint64_t now_ns) : ModelGovernor(now_ns) {}
    void idle(bool has_work, uint64_t deadline_ns) override;
};

}  // namespace wfisvm
