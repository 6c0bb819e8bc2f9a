// seed_policy.h - the design document's v2 adaptive WFI sleep, exactly as the document specifies it.
#pragma once

#include <cstdint>

#include "wfisleep/wfisleep.h"

namespace wfisleep {

// Settings of the seed policy (HVF_WFI_SLEEP and friends).
struct SeedParams {
    uint64_t max_us = 0;        // HVF_WFI_SLEEP, 1..10000
    uint64_t grace_ms = 15000;  // WFISLEEP_BOOT_GRACE_MS, 0..600000
    bool strict = false;        // WFISLEEP_SEED_STRICT: non-kickable sleep
};

// Per-vCPU seed state. Pure: time is an argument; no allocation, lock,
// syscall or logging. Owner thread only.
class SeedPolicy {
  public:
    // The boot grace counts from created_ns.
    SeedPolicy(const SeedParams &params, uint64_t created_ns) noexcept;

    // One idle call at entry time now_ns (rules a-d of the issue). Returns
    // only a sleep (poll and spin are 0); plan.strict follows the params.
    wfisleep_plan plan(uint64_t now_ns, bool has_work) noexcept;

    uint64_t streak() const noexcept { return streak_; }
    // When the guest was running again at the latest after the previous call.
    uint64_t prev_end_ns() const noexcept { return prev_end_ns_; }

    // Test hook: jump to a state (e.g. a streak near saturation).
    void set_state_for_testing(uint64_t streak, uint64_t prev_end_ns) noexcept;

    // The sleep for a streak (rule d), in ns; pure.
    static uint64_t sleep_for_streak(uint64_t max_us, uint64_t streak) noexcept;

    static constexpr uint64_t kActivityGapNs = 1000000;  // 1 ms

  private:
    uint64_t max_us_;
    uint64_t grace_ns_;
    uint64_t created_ns_;
    bool strict_;
    bool has_prev_ = false;
    uint64_t streak_ = 0;
    uint64_t prev_end_ns_ = 0;
};

}  // namespace wfisleep
