// thread_slack.h - the calling thread's timer slack (Linux prctl), which the VMM makes equal for
// every governor.
#pragma once

#include <cstdint>
#include <optional>

namespace wfisvm {

// PR_SET_TIMERSLACK on the calling thread; false when the kernel refused.
// Threads the caller creates afterwards inherit the value.
bool set_thread_timer_slack(uint64_t ns);

// PR_GET_TIMERSLACK of the calling thread; nullopt when it cannot be read.
std::optional<uint64_t> thread_timer_slack();

// The slack the VMM gives a governor's threads: the spec's slack_ns, or
// 1 ns under the macOS host-timer model (where slack has no effect).
struct GovernorSpec;
struct ScenarioSpec;
uint64_t governor_slack_ns(const GovernorSpec &governor, const ScenarioSpec &scenario);

// Sets the calling thread's slack for its lifetime in scope and restores
// the previous value at exit (threads created meanwhile keep the new one).
class ScopedTimerSlack {
  public:
    explicit ScopedTimerSlack(uint64_t ns) : old_(thread_timer_slack()) {
        set_thread_timer_slack(ns);
    }
    ~ScopedTimerSlack() {
        if (old_) set_thread_timer_slack(*old_);
    }
    ScopedTimerSlack(const ScopedTimerSlack &) = delete;
    ScopedTimerSlack &operator=(const ScopedTimerSlack &) = delete;

  private:
    std::optional<uint64_t> old_;
};

}  // namespace wfisvm
