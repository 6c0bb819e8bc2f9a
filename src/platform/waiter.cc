// waiter.cc - the wait/kick protocol of wfisleep.h, platform-neutral part.
#include "platform/waiter.h"

#include "platform/clock.h"
#include "platform/cpu_relax.h"

namespace wfisleep::platform {
namespace {

uint64_t add_sat(uint64_t a, uint64_t b) noexcept {
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

}  // namespace

void Waiter::kick() noexcept {
    // Release: what the kicker wrote before (the pending interrupt) is
    // visible to the owner once its wait sees KICKED with acquire.
    if (word_.exchange(kKicked, std::memory_order_acq_rel) == kWaiting) {
        address_wake_one(&word_);
    }
}

bool Waiter::consume_kick() noexcept {
    // Only kick() stores KICKED and only the owner stores IDLE/WAITING, so a
    // cheap load first keeps the common no-kick path free of a locked op.
    if (word_.load(std::memory_order_relaxed) != kKicked) {
        return false;
    }
    return word_.exchange(kIdle, std::memory_order_acquire) == kKicked;
}

bool Waiter::spin_until(uint64_t deadline_ns) noexcept {
    for (;;) {
        if (consume_kick()) {
            return true;
        }
        if (now_ns() >= deadline_ns) {
            return false;
        }
        cpu_relax();
    }
}

bool Waiter::block_until(uint64_t deadline_ns) noexcept {
    uint32_t expected = kIdle;
    if (!word_.compare_exchange_strong(expected, kWaiting, std::memory_order_acq_rel)) {
        // Only a kick can have changed IDLE: consume it.
        return word_.exchange(kIdle, std::memory_order_acquire) == kKicked;
    }
    while (word_.load(std::memory_order_acquire) == kWaiting) {
        if (deadline_ns != WFISLEEP_FOREVER && now_ns() >= deadline_ns) {
            break;
        }
        address_wait(&word_, kWaiting, deadline_ns);
    }
    return word_.exchange(kIdle, std::memory_order_acquire) == kKicked;
}

WaitOutcome Waiter::wait(const wfisleep_plan &plan, uint64_t start_ns) noexcept {
    // Phase ends are absolute, measured from start_ns (the plan's now), so an
    // oversleep eats into the spin instead of pushing it past the deadline.
    const uint64_t poll_end = add_sat(start_ns, plan.poll_ns);
    const bool forever = plan.sleep_ns == WFISLEEP_FOREVER;
    const uint64_t sleep_end = forever ? WFISLEEP_FOREVER : add_sat(poll_end, plan.sleep_ns);
    const uint64_t spin_end = add_sat(sleep_end, plan.spin_ns);

    WaitOutcome out;
    uint64_t t = now_ns();
    const auto finish = [&](WaitPhase phase, bool kicked, uint64_t *phase_ns) {
        const uint64_t end = now_ns();
        *phase_ns += end - t;
        out.kicked = kicked;
        out.ended_in = phase;
        out.end_ns = end;
        t = end;
    };
    if (plan.poll_ns > 0) {
        const bool kicked = spin_until(poll_end);
        finish(WaitPhase::poll, kicked, &out.poll_ns);
        if (kicked) {
            return out;
        }
    }
    if (plan.sleep_ns > 0) {
        bool kicked = false;
        if (plan.strict != 0 && !forever) {
            sleep_until_ns(sleep_end);  // not kickable; leaves a kick pending
        } else {
            kicked = block_until(sleep_end);
        }
        finish(WaitPhase::sleep, kicked, &out.sleep_ns);
        out.sleep_woke_ns = out.end_ns;
        if (kicked || forever) {
            return out;
        }
    }
    if (plan.spin_ns > 0) {
        const bool kicked = spin_until(spin_end);
        finish(WaitPhase::spin, kicked, &out.spin_ns);
        return out;
    }
    if (out.ended_in == WaitPhase::none) {
        out.end_ns = t;
    }
    return out;
}

}  // namespace wfisleep::platform
