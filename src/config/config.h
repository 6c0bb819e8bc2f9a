// config.h - the parsed, immutable configuration behind the opaque wfisleep_config.
#pragma once

#include <atomic>
#include <cstdint>

#include "platform/parker.h"
#include "policy/adaptive_policy.h"
#include "policy/seed_policy.h"

namespace wfisleep {

enum class PolicyKind : uint8_t { off, seed, adaptive };

// "off", "seed", "adaptive" (static storage).
const char *policy_name(PolicyKind kind) noexcept;

}  // namespace wfisleep

// Immutable after parsing, except the seed's once-per-config activation flag.
// Must outlive every vCPU made from it.
struct wfisleep_config {
    wfisleep::PolicyKind policy = wfisleep::PolicyKind::off;
    wfisleep::SeedParams seed;
    wfisleep::AdaptiveParams adaptive;
    // WFISLEEP_TIMER_SLACK_NS, resolved: the slack (Linux) or timer leeway
    // (macOS) of the vCPU threads' timed waits; kLeewayKeep leaves the
    // platform's default. Unset: 1 ns for adaptive, kLeewayKeep otherwise.
    uint64_t timer_slack_ns = wfisleep::platform::kLeewayKeep;
    // Seed activation line, formatted at parse time so the plan path only
    // hands a ready string to the log hook.
    char activation_line[128] = {};
    // Set by the first vCPU of this config that plans a seed sleep.
    mutable std::atomic<bool> activation_logged{false};
};
