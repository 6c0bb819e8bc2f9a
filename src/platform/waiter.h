// waiter.h - one vCPU's kickable wait: poll, sleep, spin, each ended by a kick.
#pragma once

#include <atomic>
#include <cstdint>

#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {

// Which phase of a plan a wait ended in.
enum class WaitPhase : uint8_t { none, poll, sleep, spin };

// How one wait went. Times are on the library clock.
struct WaitOutcome {
    bool kicked = false;  // a kick ended the wait (and was consumed)
    WaitPhase ended_in = WaitPhase::none;
    uint64_t end_ns = 0;
    uint64_t poll_ns = 0;  // time spent in each phase
    uint64_t sleep_ns = 0;
    uint64_t spin_ns = 0;
    uint64_t sleep_woke_ns = 0;  // when the sleep phase returned (0: none ran)
};

// Implements the wait/kick protocol documented at the top of wfisleep.h on
// one 32-bit word. wait() is for the owner thread only; kick() is for any
// thread and async-signal-safe on Linux. No allocation, no lock.
class Waiter {
  public:
    Waiter() noexcept = default;
    Waiter(const Waiter &) = delete;
    Waiter &operator=(const Waiter &) = delete;

    // Ends the wait in progress or the next one. Never blocks.
    void kick() noexcept;

    // Executes plan (poll, then sleep, then spin) planned at start_ns: the
    // phases end at start+poll, start+poll+sleep, start+poll+sleep+spin. A
    // strict plan's sleep is not kickable and leaves a kick pending (a strict
    // FOREVER sleep would never end, so it is treated as kickable).
    WaitOutcome wait(const wfisleep_plan &plan, uint64_t start_ns) noexcept;

    // True when a kick is pending (for tests and diagnostics).
    bool kick_pending() const noexcept { return word_.load(std::memory_order_acquire) == kKicked; }

    static constexpr uint32_t kIdle = 0;
    static constexpr uint32_t kWaiting = 1;
    static constexpr uint32_t kKicked = 2;

  private:
    // Consumes a pending kick; true if there was one.
    bool consume_kick() noexcept;
    // Busy-waits until deadline_ns or a kick (consumed). True if kicked.
    bool spin_until(uint64_t deadline_ns) noexcept;
    // Blocks until deadline_ns (WFISLEEP_FOREVER: no timeout) or a kick
    // (consumed). True if kicked.
    bool block_until(uint64_t deadline_ns) noexcept;

    std::atomic<uint32_t> word_{kIdle};
};

// Platform primitives under the waiter (waiter_futex_linux.cc,
// waiter_ulock_apple.cc): block while *word == expected, at most until
// deadline_ns on the library clock (WFISLEEP_FOREVER: no timeout); may
// return early or spuriously. Wake one thread blocked on word.
void address_wait(std::atomic<uint32_t> *word, uint32_t expected, uint64_t deadline_ns) noexcept;
void address_wake_one(std::atomic<uint32_t> *word) noexcept;

}  // namespace wfisleep::platform
