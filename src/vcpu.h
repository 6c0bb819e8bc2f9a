// vcpu.h - per-vCPU object behind the opaque wfisleep_vcpu: policy + waiter + stats.
#pragma once

#include <cstdint>
#include <variant>

#include "config/config.h"
#include "platform/waiter.h"
#include "policy/adaptive_policy.h"
#include "policy/seed_policy.h"

// Owned by one vCPU thread; only the waiter's kick() is touched by others.
struct wfisleep_vcpu {
    wfisleep_vcpu(const wfisleep_config &config, uint64_t now_ns) noexcept;

    // See wfisleep_vcpu_plan / _done / _wait / _idle in wfisleep.h.
    wfisleep_plan plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) noexcept;
    void done(uint64_t end_ns, bool kicked) noexcept;
    wfisleep::platform::WaitOutcome wait(const wfisleep_plan &plan, uint64_t start_ns) noexcept;
    uint64_t idle(bool has_work, uint64_t deadline_ns) noexcept;
    void kick() noexcept { waiter.kick(); }
    void fill_stats(wfisleep_stats &full) const noexcept;

    const wfisleep_config &cfg;
    // Off is the monostate; the active policy lives inline (no allocation).
    std::variant<std::monostate, wfisleep::SeedPolicy, wfisleep::AdaptivePolicy> policy;
    wfisleep::platform::Waiter waiter;

    // Counters; plain fields: written by the owner thread only.
    uint64_t idle_calls = 0;
    uint64_t sleeps = 0;
    uint64_t kicks = 0;
    uint64_t poll_hits = 0;
    uint64_t sleep_ns = 0;
    uint64_t poll_ns = 0;
    uint64_t spin_ns = 0;
    uint64_t work_returns = 0;
};
