// waiter.h - one vCPU's kickable wait: runs a plan's phases, each ended by a kick.
#pragma once

#include <atomic>
#include <cstdint>

#include "platform/parker.h"
#include "platform/run_delay.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {

// Which kind of phase a wait ended in.
enum class WaitPhase : uint8_t { none, poll, sleep, spin };

// How one wait went. Times are on the waiter's clock (the library clock
// unless a test installed WaitHooks).
struct WaitOutcome {
    bool kicked = false;         // a kick ended the wait (and was consumed)
    bool kick_at_start = false;  // ... and it was pending when the wait began
    WaitPhase ended_in = WaitPhase::none;
    uint32_t ended_index = 0;  // phase index it ended in; nphases when all ran
    uint64_t end_ns = 0;
    uint64_t poll_ns = 0;  // time spent in each kind of phase
    uint64_t sleep_ns = 0;
    uint64_t spin_ns = 0;
    // Gaps between a busy loop's clock reads longer than the waiter's gap
    // threshold: confirmed by the thread's local signal (see
    // Waiter::gap_is_local), i.e. a preemption, or not (the host did not run
    // this machine's CPU, an interrupt storm).
    uint64_t preempted_ns = 0;
    uint64_t unconfirmed_gap_ns = 0;
    uint64_t wake_ns[WFISLEEP_MAX_PHASES] = {};   // per sleep phase that ran
    uint64_t begin_ns[WFISLEEP_MAX_PHASES] = {};  // per phase that ran: when it began
    // Per sleep phase that blocked: the thread's run-queue delay from just
    // before the block to just after it returned (0: none, or no schedstat).
    uint64_t run_delay_ns[WFISLEEP_MAX_PHASES] = {};

    // When the last sleep phase returned (0: none ran).
    uint64_t sleep_woke_ns() const noexcept;
};

// Test seam: replaces the clock, the blocking primitives, the spin hint and
// the local scheduler signal, so a test can drive a wait with a fake clock.
// Null members are not allowed, except run_delay.
struct WaitHooks {
    uint64_t (*now_ns)(void *ctx);
    // Block while *word == expected, at most until deadline_ns.
    void (*park)(void *ctx, std::atomic<uint32_t> *word, uint32_t expected, uint64_t deadline_ns);
    void (*sleep_until)(void *ctx, uint64_t deadline_ns);  // not kickable
    void (*relax)(void *ctx);                              // one busy-loop iteration
    void *ctx;
    // The thread's local signal (read_run_delay). May be null: no signal,
    // as on macOS (a clock gap then counts as a preemption by itself).
    RunDelaySample (*run_delay)(void *ctx) = nullptr;
};

// Implements the wait/kick protocol documented at the top of wfisleep.h on
// one 32-bit word. wait() and discard_kick() are for the owner thread only;
// kick() is for any thread and async-signal-safe on Linux. No allocation, no
// lock.
class Waiter {
  public:
    // preempt_gap_ns: a busy loop's clock gap longer than this is checked
    // against the thread's local signal (WFISLEEP_ADAPTIVE_PREEMPT_GAP_NS).
    explicit Waiter(uint64_t timer_leeway_ns = kLeewayKeep,
                    uint64_t preempt_gap_ns = kPreemptGapNs) noexcept
        : parker_(timer_leeway_ns), preempt_gap_ns_(preempt_gap_ns) {}
    Waiter(const Waiter &) = delete;
    Waiter &operator=(const Waiter &) = delete;

    // False when the platform part could not be set up (macOS: no kqueue).
    bool ok() const noexcept { return parker_.ok(); }

    // Ends the wait in progress or the next one. Never blocks.
    void kick() noexcept;

    // wfisleep_vcpu_trap_begin: drops a pending kick. True if there was one.
    bool discard_kick() noexcept { return consume_kick(); }

    // Runs plan's phases in order (see wfisleep_phase). A strict sleep is not
    // kickable and leaves a kick pending (a strict FOREVER sleep would never
    // end, so it is treated as kickable).
    WaitOutcome wait(const wfisleep_plan2 &plan) noexcept;

    // The 0.1 shape: poll, then sleep, then spin, ending at start_ns + poll,
    // + sleep, + spin (absolute, so an oversleep eats into the spin).
    WaitOutcome wait(const wfisleep_plan &plan, uint64_t start_ns) noexcept;

    // True when a kick is pending (for tests and diagnostics).
    bool kick_pending() const noexcept { return word_.load(std::memory_order_acquire) == kKicked; }

    // Tests only; hooks must outlive every later wait. nullptr: the platform.
    void set_hooks_for_testing(const WaitHooks *hooks) noexcept {
        hooks_ = hooks;
        signal_ = RunDelaySample{};  // a baseline of another signal means nothing
        have_signal_ = false;
    }

    static constexpr uint32_t kIdle = 0;
    static constexpr uint32_t kWaiting = 1;
    static constexpr uint32_t kKicked = 2;

    // The default gap threshold: two consecutive clock reads of a busy loop
    // further apart than this may mean the thread lost the CPU (one loop
    // iteration costs well under 1 us; docs/adaptive.md has the measurement).
    static constexpr uint64_t kPreemptGapNs = 30000;

  private:
    // Consumes a pending kick; true if there was one.
    bool consume_kick() noexcept;
    // Busy-waits until deadline_ns or a kick (consumed). True if kicked.
    // at_entry: set when the kick was already pending at the first check.
    // Adds gaps between clock reads longer than the gap threshold to
    // out.preempted_ns when gap_is_local confirms them, else to
    // out.unconfirmed_gap_ns. yield_on_preempt: return (false, *yielded =
    // true) at the first confirmed gap, before deadline_ns, so the caller can
    // block instead.
    bool spin_until(uint64_t deadline_ns, WaitOutcome &out, bool &at_entry, bool yield_on_preempt,
                    bool &yielded) noexcept;
    // Blocks until deadline_ns (WFISLEEP_FOREVER: no timeout) or a kick
    // (consumed). True if kicked.
    bool block_until(uint64_t deadline_ns, bool &at_entry) noexcept;
    uint64_t now() const noexcept;
    void relax() const noexcept;
    // Reads the thread's local signal (a system call: slow path only) and
    // makes it the new baseline; returns the previous baseline.
    RunDelaySample refresh_signal() noexcept;
    // Whether a gap_ns clock gap of a busy loop was this thread waiting on a
    // run queue, by the local signal since its baseline: the run delay grew
    // by at least half the gap (schedstat), or an involuntary switch happened
    // (getrusage). Without a signal the gap alone decides (true). The
    // baseline is taken at a waiter's first wait, then after each sleep and
    // at each gap.
    bool gap_is_local(uint64_t gap_ns) noexcept;

    std::atomic<uint32_t> word_{kIdle};
    Parker parker_;
    const WaitHooks *hooks_ = nullptr;
    uint64_t preempt_gap_ns_;
    // The local signal's last reading (after the latest sleep or gap) and
    // whether there is one; owner thread only.
    RunDelaySample signal_{};
    bool have_signal_ = false;
};

}  // namespace wfisleep::platform
