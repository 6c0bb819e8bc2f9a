// contention_gate.h - "is this vCPU's core contended?", from preempted busy waits, with hysteresis.
#pragma once

#include <cstdint>

namespace wfisleep {

// Keeps the smoothed share of recent busy waits (waits whose poll or spin
// loop ran) that saw their thread preempted, in 1/1024ths, moving 1/8 of the
// way to each new observation. The gate closes (contended) when the share
// reaches enter_pct and opens again only when it has fallen to leave_pct, so
// a share hovering near one threshold does not flip the policy on every
// wait. With enter 25% and leave 5%, three preempted waits in a row close it
// from a quiet start, and about fifteen clean busy waits open it again.
//
// Every wait is observed, also one that ran no busy loop: while contended
// the policy plans no poll and a short spin (none with a zero spin cap), so
// a vCPU whose waits are plain sleeps (an idle guest woken only by IPIs)
// would otherwise never be seen again and stay contended for good. Such a
// wait says less (a sleep cannot see preemption), so it does not move the
// share; kQuietWaitsToOpen of them in a row, with no preempted wait between,
// open the gate. Pure; owner thread only.
class ContentionGate {
  public:
    // What one wait showed.
    enum class Wait : uint8_t {
        preempted,  // a busy loop saw its thread lose the CPU
        busy,       // a busy loop ran undisturbed
        idle,       // no busy loop ran (sleeps only), nothing preempted
    };
    // Clean waits in a row (busy or idle) that open a closed gate whatever
    // the share says.
    static constexpr uint32_t kQuietWaitsToOpen = 100;

    ContentionGate(uint64_t enter_pct, uint64_t leave_pct) noexcept
        : enter_(enter_pct * kOne / 100), leave_(leave_pct * kOne / 100) {
        if (leave_ > enter_) {
            leave_ = enter_;
        }
    }

    void observe(Wait w) noexcept {
        // The common case, an open gate and a clean wait that leaves the
        // share where it is (idle, or busy at 0): only the run grows. An open
        // gate's share is below enter (else it would have closed), so the
        // rules below would change nothing else.
        if (!contended_ && (w == Wait::idle || (w == Wait::busy && share_ == 0))) {
            ++quiet_run_;
            return;
        }
        quiet_run_ = w == Wait::preempted ? 0 : quiet_run_ + 1;
        if (w != Wait::idle) {
            const int64_t target = w == Wait::preempted ? static_cast<int64_t>(kOne) : 0;
            const int64_t err = target - share_;
            // Integer steps would stall within 8 of the target: finish them.
            share_ = (err < 8 && err > -8) ? target : share_ + err / 8;
        }
        if (!contended_ && share_ >= static_cast<int64_t>(enter_) && enter_ > 0) {
            contended_ = true;
            quiet_run_ = 0;
        } else if (contended_ &&
                   (share_ <= static_cast<int64_t>(leave_) || quiet_run_ >= kQuietWaitsToOpen)) {
            contended_ = false;
            if (quiet_run_ >= kQuietWaitsToOpen) {
                share_ = 0;  // opened by the run: start as a quiet vCPU does
            }
        }
    }

    // One busy wait: preempted or not.
    void observe(bool preempted) noexcept { observe(preempted ? Wait::preempted : Wait::busy); }

    bool contended() const noexcept { return contended_; }
    // The smoothed share, in 1/1024ths.
    uint64_t share() const noexcept { return static_cast<uint64_t>(share_); }

  private:
    static constexpr uint64_t kOne = 1024;
    uint64_t enter_;
    uint64_t leave_;
    int64_t share_ = 0;
    uint32_t quiet_run_ = 0;  // clean waits since the last preempted one
    bool contended_ = false;
};

}  // namespace wfisleep
