// vcpu.cc - one vCPU: dispatches to its policy, runs its waiter, keeps its counters.
#include "vcpu.h"

#include "log/log.h"
#include "platform/clock.h"
#include "platform/timer_slack.h"

using wfisleep::AdaptivePolicy;
using wfisleep::PolicyKind;
using wfisleep::SeedPolicy;

namespace {

std::variant<std::monostate, SeedPolicy, AdaptivePolicy> make_policy(const wfisleep_config &cfg,
                                                                     uint64_t now_ns) noexcept {
    switch (cfg.policy) {
        case PolicyKind::seed:
            return SeedPolicy(cfg.seed, now_ns);
        case PolicyKind::adaptive:
            return AdaptivePolicy(cfg.adaptive);
        case PolicyKind::off:
            break;
    }
    return std::monostate{};
}

}  // namespace

wfisleep_vcpu::wfisleep_vcpu(const wfisleep_config &config, uint64_t now_ns) noexcept
    : cfg(config), policy(make_policy(config, now_ns)) {}

wfisleep_plan wfisleep_vcpu::plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) noexcept {
    wfisleep_plan p{0, 0, 0, 0};
    ++idle_calls;
    if (has_work) {
        ++work_returns;
    }
    if (auto *seed = std::get_if<SeedPolicy>(&policy)) {
        p = seed->plan(now_ns, has_work);
        // Once per config, at the first sleep any of its vCPUs plans; the
        // relaxed load keeps the common path to one plain read.
        if (p.sleep_ns > 0 && !cfg.activation_logged.load(std::memory_order_relaxed) &&
            !cfg.activation_logged.exchange(true, std::memory_order_relaxed)) {
            wfisleep::log_line(cfg.activation_line);
        }
    } else if (auto *adaptive = std::get_if<AdaptivePolicy>(&policy)) {
        p = adaptive->plan(now_ns, has_work, deadline_ns);
    }
    if (p.sleep_ns > 0) {
        ++sleeps;
    }
    return p;
}

void wfisleep_vcpu::done(uint64_t end_ns, bool kicked) noexcept {
    if (auto *adaptive = std::get_if<AdaptivePolicy>(&policy)) {
        adaptive->done(end_ns, kicked);
    }
}

wfisleep::platform::WaitOutcome wfisleep_vcpu::wait(const wfisleep_plan &p,
                                                    uint64_t start_ns) noexcept {
    const wfisleep::platform::WaitOutcome out = waiter.wait(p, start_ns);
    poll_ns += out.poll_ns;
    sleep_ns += out.sleep_ns;
    spin_ns += out.spin_ns;
    if (out.kicked) {
        ++kicks;
        if (out.ended_in == wfisleep::platform::WaitPhase::poll) {
            ++poll_hits;
        }
    }
    return out;
}

uint64_t wfisleep_vcpu::idle(bool has_work, uint64_t deadline_ns) noexcept {
    if (std::holds_alternative<AdaptivePolicy>(policy)) {
        wfisleep::platform::lower_timer_slack_once();
    }
    const uint64_t start = wfisleep::platform::now_ns();
    const wfisleep_plan p = plan(start, has_work, deadline_ns);
    if (p.poll_ns == 0 && p.sleep_ns == 0 && p.spin_ns == 0) {
        done(start, false);
        return 0;
    }
    const wfisleep::platform::WaitOutcome out = wait(p, start);
    // Our own wait knows when the sleep returned: the adaptive policy then
    // measures the oversleep on every wait.
    if (auto *adaptive = std::get_if<AdaptivePolicy>(&policy)) {
        adaptive->done(out.end_ns, out.kicked, out.sleep_woke_ns);
    }
    return out.end_ns - start;
}

void wfisleep_vcpu::fill_stats(wfisleep_stats &s) const noexcept {
    s.idle_calls = idle_calls;
    s.sleeps = sleeps;
    s.kicks = kicks;
    s.poll_hits = poll_hits;
    s.sleep_ns = sleep_ns;
    s.poll_ns = poll_ns;
    s.spin_ns = spin_ns;
    s.work_returns = work_returns;
    if (const auto *adaptive = std::get_if<AdaptivePolicy>(&policy)) {
        s.late_wakes = adaptive->late_wakes();
        s.advance_ns = adaptive->advance_ns();
        s.poll_window_ns = adaptive->poll_window_ns();
    }
}
