// qemu11_model.cc - QEMU 11.1's halt + one main loop with millisecond polls for all vCPUs (a model
// of QEMU's public source).
#include "governors/qemu11_model.h"

#include <algorithm>
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

std::shared_ptr<Qemu11MainLoop> Qemu11MainLoop::shared(bool ppoll) {
    static std::mutex mu;
    static std::weak_ptr<Qemu11MainLoop> current[2];
    std::lock_guard<std::mutex> lock(mu);
    std::shared_ptr<Qemu11MainLoop> loop = current[ppoll].lock();
    if (!loop) {
        loop = std::make_shared<Qemu11MainLoop>(ppoll);
        current[ppoll] = loop;
    }
    return loop;
}

Qemu11MainLoop::Qemu11MainLoop(bool ppoll) : ppoll_(ppoll), thread_([this] { loop(); }) {}

Qemu11MainLoop::~Qemu11MainLoop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
}

void Qemu11MainLoop::arm(Qemu11Governor *gov, uint64_t deadline_ns) {
    {
        std::lock_guard<std::mutex> lock(mu_);
        armed_[gov] = deadline_ns;
        ++generation_;
    }
    cv_.notify_one();  // QEMU's notifier: the poll recomputes its timeout
}

void Qemu11MainLoop::disarm(Qemu11Governor *gov) {
    std::lock_guard<std::mutex> lock(mu_);
    armed_.erase(gov);
    ++generation_;
}

void Qemu11MainLoop::use_host_timer(const HostTimerSpec &spec, uint64_t seed) {
    std::lock_guard<std::mutex> lock(mu_);
    // One instance for the loop's own thread; every vCPU of a run gives the
    // same spec, the first one seeds it.
    if (!poll_timer_)
        poll_timer_ = std::make_unique<CoalescingTimer>(spec, seed ^ 0x9e3779b97f4a7c15ULL);
}

void Qemu11MainLoop::loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
        if (armed_.empty()) {
            cv_.wait(lock);
            continue;
        }
        const uint64_t now = wfisleep_now_ns();
        uint64_t earliest = UINT64_MAX;
        bool fired = false;
        for (auto it = armed_.begin(); it != armed_.end();) {
            if (it->second <= now) {
                // The timer callback: raise the interrupt, wake the halted vCPU.
                it->first->kick();
                it = armed_.erase(it);
                fired = true;
            } else {
                earliest = std::min(earliest, it->second);
                ++it;
            }
        }
        if (fired || earliest == UINT64_MAX) continue;
        // One main-loop poll to the earliest timer, its timeout in whole
        // milliseconds unless QEMU has ppoll(); a (dis)arm or stop
        // interrupts it.
        const uint64_t gen = generation_;
        uint64_t fire = ppoll_ ? earliest : qemu11_timer_fire_ns(now, earliest);
        if (poll_timer_) fire = poll_timer_->late_deadline(now, fire);
        cv_.wait_for(lock, std::chrono::nanoseconds(fire - now),
                     [&] { return stop_ || generation_ != gen; });
    }
}

Qemu11Governor::Qemu11Governor(uint64_t now_ns, bool ppoll)
    : ModelGovernor(now_ns), loop_(Qemu11MainLoop::shared(ppoll)) {}

Qemu11Governor::~Qemu11Governor() {
    loop_->disarm(this);
}

void Qemu11Governor::use_host_timer(const HostTimerSpec &spec, uint64_t seed) {
    ModelGovernor::use_host_timer(spec, seed);
    loop_->use_host_timer(spec, seed);
}

void Qemu11Governor::idle(bool has_work, uint64_t deadline_ns) {
    if (has_work) {
        run(wfisleep_plan{}, true);
        return;
    }
    if (deadline_ns != WFISLEEP_NO_DEADLINE) loop_->arm(this, deadline_ns);
    wfisleep_plan halt{};
    halt.sleep_ns = WFISLEEP_FOREVER;  // halted = 1: only a kick ends it
    run(halt, false);
    // Like QEMU, the vCPU re-arms at its next WFI; disarming under the
    // loop's lock means this halt's timer cannot kick a later one.
    loop_->disarm(this);
}

}  // namespace wfisvm
