// vcpu.cc - one vCPU: dispatches to its policy, runs its waiter, keeps its counters.
#include "vcpu.h"

#include "log/log.h"
#include "plan_convert.h"
#include "platform/clock.h"
#include "platform/timer_slack.h"

using wfisleep::AdaptivePolicy;
using wfisleep::PolicyKind;
using wfisleep::SeedPolicy;
using wfisleep::platform::WaitOutcome;
using wfisleep::platform::WaitPhase;

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
    : cfg(config),
      policy(make_policy(config, now_ns)),
      waiter(config.timer_slack_ns, config.adaptive.preempt_gap_ns) {
    if (const auto *adaptive = std::get_if<AdaptivePolicy>(&policy)) {
        advance_ns.set(adaptive->advance_ns());
        poll_window_ns.set(adaptive->poll_window_ns());
        for (uint32_t c = 0; c < wfisleep::LatenessClasses::kClasses; ++c) {
            class_advance_ns[c].set(adaptive->classes().advance_ns(c));
        }
    }
}

void wfisleep_vcpu::trap_begin() noexcept {
    if (waiter.discard_kick()) {
        stale_kicks.add(1);
    }
}

wfisleep_plan wfisleep_vcpu::plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) noexcept {
    wfisleep_plan p{0, 0, 0, 0};
    begin_plan(has_work);
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
        sleeps.add(1);
    }
    return p;
}

WaitOutcome wfisleep_vcpu::wait2(const wfisleep_plan2 &p) noexcept {
    if (!keep_timer_slack) {
        wfisleep::platform::apply_timer_slack(cfg.timer_slack_ns);
    }
    const WaitOutcome out = waiter.wait(p);
    poll_ns.add(out.poll_ns);
    sleep_ns.add(out.sleep_ns);
    spin_ns.add(out.spin_ns);
    preempted_ns.add(out.preempted_ns);
    unconfirmed_gap_ns.add(out.unconfirmed_gap_ns);
    if (out.kicked) {
        kicks.add(1);
        if (out.kick_at_start) {
            entry_kicks.add(1);
        } else if (out.ended_in == WaitPhase::poll) {
            poll_hits.add(1);
        }
    }
    waited_since_plan = true;
    return out;
}

uint64_t wfisleep_vcpu::idle(bool has_work, uint64_t deadline_ns) noexcept {
    const uint64_t start = wfisleep::platform::now_ns();
    wfisleep_plan2 p;  // plan2 fills it up to nphases
    p.size = sizeof p;
    plan2(start, has_work, deadline_ns, p);
    wfisleep_outcome o{};
    o.size = sizeof o;
    if (p.nphases == 0) {
        o.end_ns = start;
        done2(o);
        return 0;
    }
    const WaitOutcome out = wait2(p);
    outcome_from_wait(out, o);
    done2(o);
    return out.end_ns > start ? out.end_ns - start : 0;
}

void wfisleep_vcpu::fill_stats(wfisleep_stats &s) const noexcept {
    s.idle_calls = idle_calls.get();
    s.sleeps = sleeps.get();
    s.kicks = kicks.get();
    s.poll_hits = poll_hits.get();
    s.sleep_ns = sleep_ns.get();
    s.poll_ns = poll_ns.get();
    s.spin_ns = spin_ns.get();
    s.work_returns = work_returns.get();
    s.late_wakes = late_wakes.get();
    s.advance_ns = advance_ns.get();
    s.poll_window_ns = poll_window_ns.get();
    s.stale_kicks = stale_kicks.get();
    s.entry_kicks = entry_kicks.get();
    s.preempted_ns = preempted_ns.get();
    s.unconfirmed_gap_ns = unconfirmed_gap_ns.get();
    s.advance_classes = 0;
    s.reserved1 = 0;
    if (std::holds_alternative<AdaptivePolicy>(policy)) {
        s.advance_classes = wfisleep::LatenessClasses::kClasses;
        for (uint32_t c = 0; c < wfisleep::LatenessClasses::kClasses; ++c) {
            s.class_advance_ns[c] = class_advance_ns[c].get();
        }
    }
}

void outcome_from_wait(const WaitOutcome &w, wfisleep_outcome &o) noexcept {
    // Write only what fits the caller's struct (an older, smaller one).
    wfisleep_outcome full{};
    full.size = o.size;
    full.flags = (w.kicked ? WFISLEEP_OUTCOME_KICKED : 0u) |
                 (w.kick_at_start ? WFISLEEP_OUTCOME_KICK_AT_START : 0u) |
                 (w.preempted_ns > 0 ? WFISLEEP_OUTCOME_PREEMPTED : 0u);
    full.end_ns = w.end_ns;
    full.ended_in = w.ended_index;
    full.preempted_ns = w.preempted_ns;
    for (uint32_t i = 0; i < WFISLEEP_MAX_PHASES; ++i) {
        full.wake_ns[i] = w.wake_ns[i];
        full.begin_ns[i] = w.begin_ns[i];
        full.run_delay_ns[i] = w.run_delay_ns[i];
    }
    const size_t n = o.size < sizeof full ? o.size : sizeof full;
    __builtin_memcpy(&o, &full, n);
}

static_assert(wfisleep::LatenessClasses::kClasses <= WFISLEEP_ADVANCE_CLASSES,
              "wfisleep_stats.class_advance_ns has room for every class");
static_assert(wfisleep::LatenessClasses::kClasses <= 32, "take_changed_classes is a 32-bit mask");
