// coalescing_timer.h - a MODEL of macOS timer coalescing on one vCPU's bounded sleeps (host=macos).
#pragma once

#include <atomic>
#include <cstdint>
#include <random>

#include "platform/parker.h"
#include "platform/waiter.h"
#include "spec.h"

namespace wfisvm {

// How late the model ends a bounded sleep of length_ns: min(permille/1000 x
// length, max_us) x u, u in [0, 1] (1 for shape max). Pure.
uint64_t coalesce_extra_ns(const HostTimerSpec &spec, uint64_t length_ns, double u);

// Shape window: how late a bounded sleep of length_ns that should end at
// deadline_ns ends: to the next boundary (grid_phase_ns + k x window_us) at
// or after deadline_ns, at most min(permille/1000 x length, max_us). Pure.
uint64_t coalesce_window_extra_ns(const HostTimerSpec &spec, uint64_t length_ns,
                                  uint64_t deadline_ns);

// Lengthens every bounded sleep of one waiter by coalesce_extra_ns, on top of
// the real host's own lateness, through the waiter's WaitHooks seam (so the
// production library carries no model). Kicks still end a sleep at once:
// the park is the real futex on the waiter's word. Unbounded sleeps, polls
// and spins are untouched. Not a measurement of a Mac.
// Thread-safety: install() before the owner thread's first wait; the hooks
// then run on the owner thread only. late_deadline() is for one thread at a
// time too (qemu11's main loop owns its own instance).
class CoalescingTimer {
  public:
    // seed: the run's seed mixed with the vCPU index (shape uniform).
    CoalescingTimer(const HostTimerSpec &spec, uint64_t seed) noexcept;
    CoalescingTimer(const CoalescingTimer &) = delete;
    CoalescingTimer &operator=(const CoalescingTimer &) = delete;

    // Routes waiter's bounded sleeps through this model; it must outlive
    // every later wait of waiter.
    void install(wfisleep::platform::Waiter *waiter) noexcept;

    // When a bounded sleep that starts at start_ns and should end at
    // deadline_ns ends under the model. A repeated call for the same
    // deadline (a spurious wake re-parks) returns the same answer.
    uint64_t late_deadline(uint64_t start_ns, uint64_t deadline_ns) noexcept;

  private:
    static uint64_t hook_now(void *ctx);
    static void hook_park(void *ctx, std::atomic<uint32_t> *word, uint32_t expected,
                          uint64_t deadline_ns);
    static void hook_sleep_until(void *ctx, uint64_t deadline_ns);
    static void hook_relax(void *ctx);

    HostTimerSpec spec_;
    std::mt19937_64 rng_;
    uint64_t last_deadline_ = 0;  // the sleep late_deadline() answered last
    uint64_t last_late_ = 0;
    wfisleep::platform::Parker parker_{wfisleep::platform::kLeewayKeep};
    wfisleep::platform::WaitHooks hooks_{};
};

}  // namespace wfisvm
