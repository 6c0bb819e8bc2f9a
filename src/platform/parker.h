// parker.h - the platform's block/wake primitive under the waiter (one per vCPU).
#pragma once

#include <atomic>
#include <cstdint>

namespace wfisleep::platform {

// Timer leeway meaning "the platform's default" (WFISLEEP_TIMER_SLACK_NS=keep).
inline constexpr uint64_t kLeewayKeep = UINT64_MAX;

// Blocks the owner thread on its waiter's word and wakes it from any thread.
// Variants side by side: parker_futex_linux.cc (a private futex on the word
// itself; the timer slack is per thread there, see timer_slack.h) and
// parker_kqueue_apple.cc (one kqueue: an EVFILT_TIMER with explicit leeway
// for the timeout, an EVFILT_USER event as the wake).
class Parker {
  public:
    // leeway_ns: how late the platform may end a timed park (kLeewayKeep: its
    // default). Used where the leeway is per timer (macOS).
    explicit Parker(uint64_t leeway_ns) noexcept;
    ~Parker();  // NOLINT(performance-trivially-destructible): not trivial on macOS (closes the kqueue)
    Parker(const Parker &) = delete;
    Parker &operator=(const Parker &) = delete;

    // False when set-up failed (macOS: kqueue() failed); park() then returns
    // at once and callers fall back to their own loop.
    bool ok() const noexcept;

    // Blocks while *word == expected, at most until deadline_ns on the library
    // clock (WFISLEEP_FOREVER: no timeout); may return early or spuriously.
    // Owner thread only.
    void park(std::atomic<uint32_t> *word, uint32_t expected, uint64_t deadline_ns) noexcept;

    // Wakes the owner if it is parked on word (or makes its next park return).
    // Any thread; async-signal-safe (one system call at most).
    void unpark(std::atomic<uint32_t> *word) noexcept;

  private:
    [[maybe_unused]] uint64_t leeway_ns_;  // read on macOS only
    int fd_ = -1;                          // macOS: the kqueue; unused on Linux
};

}  // namespace wfisleep::platform
