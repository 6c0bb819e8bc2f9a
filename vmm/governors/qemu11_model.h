// qemu11_model.h - model of QEMU 11.1 hvf_wfi where ppoll is missing: halt, millisecond timer
// thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "governors/model_governor.h"

namespace wfisvm {

// QEMU's qemu_timeout_ns_to_ms as anchors.md describes it: a poll timeout is
// rounded up to whole milliseconds (0 stays 0). Pure.
uint64_t qemu11_poll_timeout_ms(uint64_t timeout_ns);

// When the model's timer thread raises a timer armed at deadline_ns, if its
// poll starts at now_ns: now + the rounded-up timeout (now when the deadline
// has passed). Pure; the thread uses it, tests check it on a fake clock.
uint64_t qemu11_timer_fire_ns(uint64_t now_ns, uint64_t deadline_ns);

// Our model of QEMU 11.1's WFI (per-vCPU timer at the vtimer deadline, then
// halt; the timer callback wakes the vCPU), run on a main loop that polls
// with millisecond timeouts as QEMU does without ppoll (macOS). idle() blocks
// until kicked: by a device, or by this governor's timer thread once the
// armed deadline has passed at millisecond granularity. One timer thread per
// governor (QEMU has one main loop for all vCPUs). Not QEMU's code.
class Qemu11Governor final : public ModelGovernor {
  public:
    explicit Qemu11Governor(uint64_t now_ns);
    ~Qemu11Governor() override;

    void idle(bool has_work, uint64_t deadline_ns) override;
    // QEMU's halt waits on a condition variable for a new interrupt: a
    // kick that found the vCPU running leaves nothing behind.
    void trap_begin() override { drop_stale_kick(); }
    // Also models the main loop's timed poll (QEMU's timer runs there).
    void use_host_timer(const HostTimerSpec &spec, uint64_t seed) override;

  private:
    void timer_loop();

    std::mutex mu_;
    std::condition_variable cv_;
    uint64_t armed_ns_ = WFISLEEP_NO_DEADLINE;     // guarded by mu_
    uint64_t generation_ = 0;                      // guarded by mu_: bumps on every (dis)arm
    bool stop_ = false;                            // guarded by mu_
    std::unique_ptr<CoalescingTimer> loop_timer_;  // guarded by mu_; host=macos only
    std::thread timer_;                            // last member: starts after the rest exists
};

}  // namespace wfisvm
