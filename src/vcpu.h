// vcpu.h - per-vCPU object behind the opaque wfisleep_vcpu: policy + waiter + stats.
#pragma once

#include <atomic>
#include <cstdint>
#include <variant>

#include "config/config.h"
#include "plan_convert.h"
#include "platform/waiter.h"
#include "policy/adaptive_policy.h"
#include "policy/seed_policy.h"

// A counter the owner thread writes and any thread may read. One writer, so
// an increment is a relaxed load and store (plain moves on x86 and arm64, no
// locked instruction); readers get a value the counter really had.
class OwnerCounter {
  public:
    void add(uint64_t n) noexcept {
        v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    void set(uint64_t n) noexcept { v_.store(n, std::memory_order_relaxed); }
    uint64_t get() const noexcept { return v_.load(std::memory_order_relaxed); }

  private:
    std::atomic<uint64_t> v_{0};
};

// Owned by one vCPU thread; other threads only kick() and read the counters.
struct wfisleep_vcpu {
    wfisleep_vcpu(const wfisleep_config &config, uint64_t now_ns) noexcept;

    // See wfisleep_vcpu_trap_begin / _plan2 / _done2 / _wait2 / _idle.
    void trap_begin() noexcept;
    void plan2(uint64_t now_ns, bool has_work, uint64_t deadline_ns, wfisleep_plan2 &out) noexcept;
    // The same decision in the 0.1 shape (adaptive then plans one sleep at most).
    wfisleep_plan plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) noexcept;
    void done2(const wfisleep_outcome &o) noexcept;
    wfisleep::platform::WaitOutcome wait2(const wfisleep_plan2 &plan) noexcept;
    uint64_t idle(bool has_work, uint64_t deadline_ns) noexcept;
    void kick() noexcept { waiter.kick(); }
    // Most phases this vCPU's policy plans (0 for off; the seed plans the
    // 0.1 shape: poll, sleep, spin at most).
    uint32_t max_phases() const noexcept {
        if (std::holds_alternative<wfisleep::AdaptivePolicy>(policy)) {
            return wfisleep::AdaptivePolicy::kMaxPhases;
        }
        return std::holds_alternative<wfisleep::SeedPolicy>(policy) ? 3 : 0;
    }
    void fill_stats(wfisleep_stats &full) const noexcept;
    // Counts one plan (idle_calls, work_returns) and starts a new wait's kick accounting.
    void begin_plan(bool has_work) noexcept;

    const wfisleep_config &cfg;
    // Off is the monostate; the active policy lives inline (no allocation).
    std::variant<std::monostate, wfisleep::SeedPolicy, wfisleep::AdaptivePolicy> policy;
    wfisleep::platform::Waiter waiter;

    // Set by the library's own wait since the last plan: it has counted the
    // wait's kick, so done2 must not count it again.
    bool waited_since_plan = false;
    // wfisleep_vcpu_keep_timer_slack: the embedder owns the thread's slack.
    bool keep_timer_slack = false;

    OwnerCounter idle_calls;
    OwnerCounter sleeps;
    OwnerCounter kicks;
    OwnerCounter poll_hits;
    OwnerCounter sleep_ns;
    OwnerCounter poll_ns;
    OwnerCounter spin_ns;
    OwnerCounter work_returns;
    OwnerCounter stale_kicks;
    OwnerCounter entry_kicks;
    OwnerCounter preempted_ns;
    // Copies of the adaptive policy's state, refreshed after each done, so
    // other threads never read the policy object itself.
    OwnerCounter late_wakes;
    OwnerCounter advance_ns;
    OwnerCounter poll_window_ns;
    OwnerCounter unconfirmed_gap_ns;
    OwnerCounter class_advance_ns[wfisleep::LatenessClasses::kClasses];
};

// The per-trap calls, inline so that the C ABI's shims reach the policy in
// one call (each call layer was a measurable share of a few-ns path).

inline void wfisleep_vcpu::begin_plan(bool has_work) noexcept {
    idle_calls.add(1);
    waited_since_plan = false;
    if (has_work) {
        work_returns.add(1);
    }
}

inline void wfisleep_vcpu::plan2(uint64_t now_ns, bool has_work, uint64_t deadline_ns,
                                 wfisleep_plan2 &out) noexcept {
    if (auto *adaptive = std::get_if<wfisleep::AdaptivePolicy>(&policy)) {
        begin_plan(has_work);
        adaptive->plan2(now_ns, has_work, deadline_ns, out);
        if (adaptive->planned_sleep()) {
            sleeps.add(1);
        }
        return;
    }
    wfisleep::plan2_from_plan(plan(now_ns, has_work, deadline_ns), now_ns, out);
}

inline void wfisleep_vcpu::done2(const wfisleep_outcome &o) noexcept {
    const bool kicked = (o.flags & WFISLEEP_OUTCOME_KICKED) != 0;
    if (kicked && !waited_since_plan) {
        kicks.add(1);  // the embedder waited by itself: count its kick here
    }
    waited_since_plan = false;
    auto *adaptive = std::get_if<wfisleep::AdaptivePolicy>(&policy);
    if (adaptive == nullptr) {
        return;
    }
    adaptive->done2(o);
    late_wakes.set(adaptive->late_wakes());
    advance_ns.set(adaptive->advance_ns());
    poll_window_ns.set(adaptive->poll_window_ns());
    // Only the classes this wait taught (at most two): a store each.
    for (uint32_t m = adaptive->take_changed_classes(); m != 0; m &= m - 1) {
        const auto c = static_cast<uint32_t>(__builtin_ctz(m));
        class_advance_ns[c].set(adaptive->classes().advance_ns(c));
    }
}

// The outcome a library wait reports to done2, from the waiter's view.
void outcome_from_wait(const wfisleep::platform::WaitOutcome &w, wfisleep_outcome &o) noexcept;
