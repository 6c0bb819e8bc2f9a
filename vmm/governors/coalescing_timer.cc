// coalescing_timer.cc - the macOS coalescing model: bounded sleeps end late by a rule, kicks at
// once.
#include "governors/coalescing_timer.h"

#include <algorithm>

#include "platform/clock.h"
#include "platform/cpu_relax.h"

namespace wfisvm {

uint64_t coalesce_extra_ns(const HostTimerSpec &spec, uint64_t length_ns, double u) {
    // permille/1000 x L without overflow for any L below ~584 years.
    const uint64_t by_share =
        length_ns / 1000 * spec.permille + length_ns % 1000 * spec.permille / 1000;
    const uint64_t cap = static_cast<uint64_t>(spec.max_us) * 1000;
    const double clamped = std::clamp(u, 0.0, 1.0);
    return static_cast<uint64_t>(static_cast<double>(std::min(by_share, cap)) * clamped);
}

uint64_t coalesce_window_extra_ns(const HostTimerSpec &spec, uint64_t length_ns,
                                  uint64_t deadline_ns) {
    const uint64_t window = static_cast<uint64_t>(spec.window_us) * 1000;
    if (window == 0) return 0;
    const uint64_t into = (deadline_ns % window + window - spec.grid_phase_ns % window) % window;
    const uint64_t to_boundary = into == 0 ? 0 : window - into;
    return std::min(to_boundary, coalesce_extra_ns(spec, length_ns, 1.0));
}

CoalescingTimer::CoalescingTimer(const HostTimerSpec &spec, uint64_t seed) noexcept
    : spec_(spec), rng_(seed) {
    hooks_.now_ns = &CoalescingTimer::hook_now;
    hooks_.park = &CoalescingTimer::hook_park;
    hooks_.sleep_until = &CoalescingTimer::hook_sleep_until;
    hooks_.relax = &CoalescingTimer::hook_relax;
    hooks_.ctx = this;
    // run_delay stays null: macOS has no per-thread run delay
    // (platform/run_delay_apple.cc), so under the model a busy loop's clock
    // gap counts as a preemption by itself and no run delay is subtracted
    // from a sleep's lateness, as on a Mac.
    hooks_.run_delay = nullptr;
}

void CoalescingTimer::install(wfisleep::platform::Waiter *waiter) noexcept {
    waiter->set_hooks_for_testing(&hooks_);
}

uint64_t CoalescingTimer::late_deadline(uint64_t start_ns, uint64_t deadline_ns) noexcept {
    if (deadline_ns == WFISLEEP_FOREVER) return deadline_ns;
    if (deadline_ns == last_deadline_ && last_late_ != 0) return last_late_;
    const uint64_t length = deadline_ns > start_ns ? deadline_ns - start_ns : 0;
    uint64_t extra = 0;
    if (spec_.shape == CoalesceShape::kWindow) {
        extra = coalesce_window_extra_ns(spec_, length, deadline_ns);
    } else {
        double u = 1.0;
        if (spec_.shape == CoalesceShape::kUniform) {
            u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
        }
        extra = coalesce_extra_ns(spec_, length, u);
    }
    last_deadline_ = deadline_ns;
    last_late_ =
        deadline_ns > WFISLEEP_FOREVER - 1 - extra ? WFISLEEP_FOREVER - 1 : deadline_ns + extra;
    return last_late_;
}

uint64_t CoalescingTimer::hook_now(void *) {
    return wfisleep::platform::now_ns();
}

void CoalescingTimer::hook_park(void *ctx, std::atomic<uint32_t> *word, uint32_t expected,
                                uint64_t deadline_ns) {
    auto *self = static_cast<CoalescingTimer *>(ctx);
    const uint64_t late = self->late_deadline(wfisleep::platform::now_ns(), deadline_ns);
    // Park until the late deadline or a change of the word (a kick): the
    // waiter's own loop would end the sleep at the unmodelled deadline after
    // a spurious return, so the model keeps parking here.
    while (word->load(std::memory_order_acquire) == expected) {
        if (late != WFISLEEP_FOREVER && wfisleep::platform::now_ns() >= late) return;
        if (self->parker_.ok()) {
            self->parker_.park(word, expected, late);
        } else {
            wfisleep::platform::cpu_relax();
        }
    }
}

void CoalescingTimer::hook_sleep_until(void *ctx, uint64_t deadline_ns) {
    auto *self = static_cast<CoalescingTimer *>(ctx);
    wfisleep::platform::sleep_until_ns(
        self->late_deadline(wfisleep::platform::now_ns(), deadline_ns));
}

void CoalescingTimer::hook_relax(void *) {
    wfisleep::platform::cpu_relax();
}

}  // namespace wfisvm
