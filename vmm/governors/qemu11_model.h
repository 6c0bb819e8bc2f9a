// qemu11_model.h - model of QEMU 11.1 hvf_wfi where ppoll is missing: halt, one main loop with
// millisecond timeouts for all vCPUs.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "governors/model_governor.h"

namespace wfisvm {

// QEMU's qemu_timeout_ns_to_ms (util/qemu-timer.c): a poll timeout is
// rounded up to whole milliseconds (0 stays 0). Pure.
uint64_t qemu11_poll_timeout_ms(uint64_t timeout_ns);

// When the model's main loop raises a timer armed at deadline_ns, if its
// poll starts at now_ns: now + the rounded-up timeout (now when the deadline
// has passed). Pure; the loop uses it, tests check it on a fake clock.
uint64_t qemu11_timer_fire_ns(uint64_t now_ns, uint64_t deadline_ns);

class Qemu11Governor;

// QEMU's main loop as far as the vCPU timers go: one thread for every
// qemu11 vCPU of the process (the VMM runs one VM, QEMU one main loop per
// VM). It polls with a whole-millisecond timeout to the earliest armed
// timer and kicks every vCPU whose timer has passed. Shared by the
// governors that hold it; the last one to go stops it.
class Qemu11MainLoop {
  public:
    // The process's loop of that kind (ppoll: ns timeouts; else whole
    // milliseconds), started on first use.
    static std::shared_ptr<Qemu11MainLoop> shared(bool ppoll = false);
    explicit Qemu11MainLoop(bool ppoll = false);
    ~Qemu11MainLoop();
    Qemu11MainLoop(const Qemu11MainLoop &) = delete;
    Qemu11MainLoop &operator=(const Qemu11MainLoop &) = delete;

    // Any thread. arm: (re)arms gov's timer; disarm: after it returns, the
    // timer can no longer kick gov.
    void arm(Qemu11Governor *gov, uint64_t deadline_ns);
    void disarm(Qemu11Governor *gov);
    // host=macos: the loop's timed poll ends late by the coalescing model.
    void use_host_timer(const HostTimerSpec &spec, uint64_t seed);

  private:
    void loop();

    std::mutex mu_;
    std::condition_variable cv_;
    std::map<Qemu11Governor *, uint64_t> armed_;  // guarded by mu_
    uint64_t generation_ = 0;                     // guarded by mu_: bumps on every (dis)arm
    bool stop_ = false;                           // guarded by mu_
    const bool ppoll_;
    std::unique_ptr<CoalescingTimer> poll_timer_;  // guarded by mu_; host=macos only
    std::thread thread_;                           // last member: starts after the rest exists
};

// Our model of QEMU 11.1's WFI (per-vCPU timer at the vtimer deadline, then
// halt; the timer callback wakes the vCPU), run on a main loop that polls
// with millisecond timeouts as QEMU does without ppoll (macOS). idle() blocks
// until kicked: by a device, or by the main loop once the armed deadline has
// passed at millisecond granularity. Not QEMU's code.
class Qemu11Governor final : public ModelGovernor {
  public:
    // ppoll: the main loop of QEMU built with ppoll() (Linux), else the one
    // QEMU runs where ppoll() is missing (macOS).
    explicit Qemu11Governor(uint64_t now_ns, bool ppoll = false);
    ~Qemu11Governor() override;

    void idle(bool has_work, uint64_t deadline_ns) override;
    // QEMU's halt waits on a condition variable for a new interrupt: a
    // kick that found the vCPU running leaves nothing behind.
    void trap_begin() override { drop_stale_kick(); }
    // Also models the main loop's timed poll (QEMU's timers run there).
    void use_host_timer(const HostTimerSpec &spec, uint64_t seed) override;

    // The loop this governor's timer runs on (tests: one for all vCPUs).
    const Qemu11MainLoop *main_loop() const { return loop_.get(); }

  private:
    std::shared_ptr<Qemu11MainLoop> loop_;
};

}  // namespace wfisvm
