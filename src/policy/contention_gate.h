// contention_gate.h - "is this vCPU's core contended?", from preempted busy waits, with hysteresis.
#pragma once

#include <cstdint>

namespace wfisleep {

// Keeps the smoothed share of recent busy waits (waits that planned a poll
// or a spin) whose busy loop saw its thread preempted, in 1/1024ths, moving
// 1/8 of the way to each new observation. The gate closes (contended) when
// the share reaches enter_pct and opens again only when it has fallen to
// leave_pct, so a share hovering near one threshold does not flip the policy
// on every wait. With enter 25% and leave 5%, three preempted waits in a row
// close it from a quiet start, and about fifteen clean waits open it again.
// Pure; owner thread only.
class ContentionGate {
  public:
    ContentionGate(uint64_t enter_pct, uint64_t leave_pct) noexcept
        : enter_(enter_pct * kOne / 100), leave_(leave_pct * kOne / 100) {
        if (leave_ > enter_) {
            leave_ = enter_;
        }
    }

    // One busy wait: preempted or not.
    void observe(bool preempted) noexcept {
        const int64_t target = preempted ? static_cast<int64_t>(kOne) : 0;
        const int64_t err = target - share_;
        // Integer steps would stall within 8 of the target: finish them.
        share_ = (err < 8 && err > -8) ? target : share_ + err / 8;
        if (!contended_ && share_ >= static_cast<int64_t>(enter_) && enter_ > 0) {
            contended_ = true;
        } else if (contended_ && share_ <= static_cast<int64_t>(leave_)) {
            contended_ = false;
        }
    }

    bool contended() const noexcept { return contended_; }
    // The smoothed share, in 1/1024ths.
    uint64_t share() const noexcept { return static_cast<uint64_t>(share_); }

  private:
    static constexpr uint64_t kOne = 1024;
    uint64_t enter_;
    uint64_t leave_;
    int64_t share_ = 0;
    bool contended_ = false;
};

}  // namespace wfisleep
