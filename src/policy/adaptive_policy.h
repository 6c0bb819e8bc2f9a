// adaptive_policy.h - our deadline-aware idle governor (pure: time is an argument).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "policy/tunable.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep {

// Settings, all with documented defaults (see kAdaptiveTunables).
// Units are in the field names. Filled in by the adaptive policy's author.
struct AdaptiveParams {
    // Field list owned by adaptive_policy.cc's author; every field must have
    // a row in kAdaptiveTunables with its default documented.
    uint64_t poll_max_ns = 0;  // placeholder until the policy lands
};

// Rows for every AdaptiveParams field (names start with WFISLEEP_ADAPTIVE_).
std::span<const Tunable<AdaptiveParams>> adaptive_tunables() noexcept;

// Checks cross-field rules (e.g. min <= max). Returns nullptr when valid,
// else a static one-line explanation naming the variables.
const char *adaptive_params_error(const AdaptiveParams &p) noexcept;

// Per-vCPU adaptive state. Owner thread only; no allocation, no lock, no
// syscall in any member.
class AdaptivePolicy {
  public:
    explicit AdaptivePolicy(const AdaptiveParams &params) noexcept;

    // Decision at now_ns; see wfisleep_vcpu_plan for the guarantees.
    wfisleep_plan plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) noexcept;

    // Outcome of the last plan: end_ns (same clock), whether a kick ended it.
    void done(uint64_t end_ns, bool kicked) noexcept;

    uint64_t advance_ns() const noexcept;
    uint64_t poll_window_ns() const noexcept;
    uint64_t late_wakes() const noexcept;
};

}  // namespace wfisleep
