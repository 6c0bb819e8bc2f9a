// qemu11_model.cc - QEMU 11.1's halt + main-loop timer with millisecond polls (a model from
// anchors.md).
#include "governors/qemu11_model.h"

#include <chrono>

#include "governors/coalescing_timer.h"

namespace wfisvm {

namespace {
constexpr uint64_t kNsPerMs = 1'000'000;
}

uint64_t qemu11_poll_timeout_ms(uint64_t timeout_ns) {
    // Round up: QEMU would rather wait too long than busy-wait.
    return timeout_ns / kNsPerMs + (timeout_ns % kNsPerMs != 0 ? 1 : 0);
}

uint64_t qemu11_timer_fire_ns(uint64_t now_ns, uint64_t deadline_ns) {
    if (deadline_ns <= now_ns) return now_ns;
    const uint64_t ms = qemu11_poll_timeout_ms(deadline_ns - now_ns);
    const uint64_t wait = ms * kNsPerMs;
    return wait > UINT64_MAX - now_ns ? UINT64_MAX - 1 : now_ns + wait;
}

Qemu11Governor::Qemu11Governor(uint64_t now_ns)
    : ModelGovernor(now_ns), timer_([this] { timer_loop(); }) {}

Qemu11Governor::~Qemu11Governor() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    cv_.notify_one();
    timer_.join();
}

void Qemu11Governor::idle(bool has_work, uint64_t deadline_ns) {
    if (has_work) {
        run(wfisleep_plan{}, true);
        return;
    }
    if (deadline_ns != WFISLEEP_NO_DEADLINE) {
        std::lock_guard<std::mutex> lock(mu_);
        armed_ns_ = deadline_ns;
        ++generation_;
    }
    cv_.notify_one();
    wfisleep_plan halt{};
    halt.sleep_ns = WFISLEEP_FOREVER;  // halted = 1: only a kick ends it
    run(halt, false);
    // Like QEMU, the vCPU re-arms at its next WFI; disarming under the lock
    // means this halt's timer cannot kick a later one.
    std::lock_guard<std::mutex> lock(mu_);
    armed_ns_ = WFISLEEP_NO_DEADLINE;
    ++generation_;
}

void Qemu11Governor::use_host_timer(const HostTimerSpec &spec, uint64_t seed) {
    ModelGovernor::use_host_timer(spec, seed);
    std::lock_guard<std::mutex> lock(mu_);
    // Its own instance: the main loop is another thread than the vCPU's.
    loop_timer_ = std::make_unique<CoalescingTimer>(spec, seed ^ 0x9e3779b97f4a7c15ULL);
}

void Qemu11Governor::timer_loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
        if (armed_ns_ == WFISLEEP_NO_DEADLINE) {
            cv_.wait(lock);
            continue;
        }
        const uint64_t now = wfisleep_now_ns();
        if (armed_ns_ <= now) {
            // The timer callback: raise the interrupt, wake the halted vCPU.
            kick();
            armed_ns_ = WFISLEEP_NO_DEADLINE;
            continue;
        }
        // One main-loop poll with a whole-millisecond timeout; a re-arm or stop
        // interrupts it (QEMU's notifier), then the loop recomputes.
        const uint64_t gen = generation_;
        uint64_t fire = qemu11_timer_fire_ns(now, armed_ns_);
        if (loop_timer_) fire = loop_timer_->late_deadline(now, fire);  // the poll's timeout
        const auto timeout = std::chrono::nanoseconds(fire - now);
        cv_.wait_for(lock, timeout, [&] { return stop_ || generation_ != gen; });
    }
}

}  // namespace wfisvm
