// adaptive_policy.cc - the adaptive governor: learned wake-up advance + adaptive poll window.
#include "policy/adaptive_policy.h"

#include <array>

namespace wfisleep {
namespace {

using T = Tunable<AdaptiveParams>;

// Upper bounds keep every product below 2^64: windows and advances are at
// most 1 s, percentages at most 1000.
constexpr uint64_t kSecond = 1000000000;

constexpr std::array<T, 16> kAdaptiveTunables{{
    {"WFISLEEP_ADAPTIVE_ADVANCE_INIT_NS", &AdaptiveParams::advance_init_ns, 0, kSecond, "ns",
     "wake-up advance a new vCPU starts with (learned afterwards)"},
    {"WFISLEEP_ADAPTIVE_ADVANCE_MIN_NS", &AdaptiveParams::advance_min_ns, 0, kSecond, "ns",
     "lower bound of the learned wake-up advance"},
    {"WFISLEEP_ADAPTIVE_ADVANCE_MAX_NS", &AdaptiveParams::advance_max_ns, 0, kSecond, "ns",
     "upper bound of the learned wake-up advance; oversleep samples are clamped to it"},
    {"WFISLEEP_ADAPTIVE_ADVANCE_GAIN_DIV", &AdaptiveParams::advance_gain_div, 1, 1024, "",
     "each oversleep sample moves the learned mean by 1/div of its error"},
    {"WFISLEEP_ADAPTIVE_ADVANCE_DEV_PCT", &AdaptiveParams::advance_dev_pct, 0, 1000, "%",
     "advance = mean oversleep + this percentage of its mean deviation"},
    {"WFISLEEP_ADAPTIVE_ADVANCE_OUTLIER_NS", &AdaptiveParams::advance_outlier_ns, 0, kSecond, "ns",
     "an oversleep this far above the current advance is an outlier and ignored"},
    {"WFISLEEP_ADAPTIVE_ADVANCE_OUTLIER_RUN", &AdaptiveParams::advance_outlier_run, 1, 1000, "",
     "this many outliers in a row are accepted as the new normal"},
    {"WFISLEEP_ADAPTIVE_ADVANCE_PROBE_DIV", &AdaptiveParams::advance_probe_div, 1, 1 << 20, "",
     "on-time wait whose wake time is unknown: mean -= mean/div (probe downwards)"},
    {"WFISLEEP_ADAPTIVE_LATE_NS", &AdaptiveParams::late_ns, 0, kSecond, "ns",
     "a wait ending more than this after the deadline counts as late (without wake time)"},
    {"WFISLEEP_ADAPTIVE_SLEEP_MIN_NS", &AdaptiveParams::sleep_min_ns, 0, kSecond, "ns",
     "cost of a sleep: a shorter sleep is not taken, the time is spun instead"},
    {"WFISLEEP_ADAPTIVE_POLL_INIT_NS", &AdaptiveParams::poll_init_ns, 0, kSecond, "ns",
     "poll window a new vCPU starts with"},
    {"WFISLEEP_ADAPTIVE_POLL_MIN_NS", &AdaptiveParams::poll_min_ns, 0, kSecond, "ns",
     "the poll window never shrinks below this"},
    {"WFISLEEP_ADAPTIVE_POLL_MAX_NS", &AdaptiveParams::poll_max_ns, 0, kSecond, "ns",
     "poll window cap; a kick later than this (or none) shrinks the window"},
    {"WFISLEEP_ADAPTIVE_POLL_GROW_START_NS", &AdaptiveParams::poll_grow_start_ns, 1, kSecond, "ns",
     "first non-zero poll window; shrinking below it falls back to the minimum"},
    {"WFISLEEP_ADAPTIVE_POLL_GROW_PCT", &AdaptiveParams::poll_grow_pct, 101, 1000, "%",
     "grow: window = window * pct / 100 when a kick came after the window, within the cap"},
    {"WFISLEEP_ADAPTIVE_POLL_SHRINK_PCT", &AdaptiveParams::poll_shrink_pct, 0, 99, "%",
     "shrink: window = window * pct / 100 when no kick came within the cap"},
}};

constexpr uint64_t sat_add(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
constexpr uint64_t sat_sub(uint64_t a, uint64_t b) {
    return a > b ? a - b : 0;
}
constexpr uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

}  // namespace

std::span<const Tunable<AdaptiveParams>> adaptive_tunables() noexcept {
    return kAdaptiveTunables;
}

const char *adaptive_params_error(const AdaptiveParams &p) noexcept {
    if (p.advance_min_ns > p.advance_max_ns) {
        return "WFISLEEP_ADAPTIVE_ADVANCE_MIN_NS must not exceed WFISLEEP_ADAPTIVE_ADVANCE_MAX_NS";
    }
    if (p.advance_init_ns < p.advance_min_ns || p.advance_init_ns > p.advance_max_ns) {
        return "WFISLEEP_ADAPTIVE_ADVANCE_INIT_NS must lie within "
               "WFISLEEP_ADAPTIVE_ADVANCE_MIN_NS.."
               "WFISLEEP_ADAPTIVE_ADVANCE_MAX_NS";
    }
    if (p.poll_min_ns > p.poll_max_ns) {
        return "WFISLEEP_ADAPTIVE_POLL_MIN_NS must not exceed WFISLEEP_ADAPTIVE_POLL_MAX_NS";
    }
    if (p.poll_init_ns < p.poll_min_ns || p.poll_init_ns > p.poll_max_ns) {
        return "WFISLEEP_ADAPTIVE_POLL_INIT_NS must lie within WFISLEEP_ADAPTIVE_POLL_MIN_NS.."
               "WFISLEEP_ADAPTIVE_POLL_MAX_NS";
    }
    if (p.advance_gain_div == 0 || p.advance_probe_div == 0 || p.advance_outlier_run == 0 ||
        p.poll_grow_start_ns == 0 || p.poll_grow_pct <= 100 || p.poll_shrink_pct >= 100) {
        return "WFISLEEP_ADAPTIVE_*: a divisor, run or grow start is 0, or GROW_PCT <= 100, or "
               "SHRINK_PCT >= 100";
    }
    return nullptr;
}

AdaptivePolicy::AdaptivePolicy(const AdaptiveParams &params) noexcept
    : p_(params),
      mean_ns_(params.advance_init_ns),
      advance_ns_(params.advance_init_ns),
      poll_ns_(params.poll_init_ns) {
    // Defensive: a caller that skipped adaptive_params_error still gets
    // bounded, non-dividing-by-zero behaviour.
    if (p_.advance_gain_div == 0) {
        p_.advance_gain_div = 1;
    }
    if (p_.advance_probe_div == 0) {
        p_.advance_probe_div = 1;
    }
    if (p_.advance_outlier_run == 0) {
        p_.advance_outlier_run = 1;
    }
    if (p_.poll_grow_start_ns == 0) {
        p_.poll_grow_start_ns = 1;
    }
    if (p_.poll_grow_pct <= 100) {
        p_.poll_grow_pct = 200;
    }
    if (p_.poll_shrink_pct >= 100) {
        p_.poll_shrink_pct = 50;
    }
    p_.poll_grow_pct = clamp(p_.poll_grow_pct, 101, 1000);
    p_.advance_dev_pct = clamp(p_.advance_dev_pct, 0, 1000);
    p_.advance_max_ns = clamp(p_.advance_max_ns, 0, kSecond);
    p_.advance_min_ns = clamp(p_.advance_min_ns, 0, p_.advance_max_ns);
    p_.poll_max_ns = clamp(p_.poll_max_ns, 0, kSecond);
    p_.poll_min_ns = clamp(p_.poll_min_ns, 0, p_.poll_max_ns);
    mean_ns_ = clamp(mean_ns_, p_.advance_min_ns, p_.advance_max_ns);
    advance_ns_ = mean_ns_;
    poll_ns_ = clamp(poll_ns_, p_.poll_min_ns, p_.poll_max_ns);
}

wfisleep_plan AdaptivePolicy::plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) noexcept {
    wfisleep_plan out{};
    pending_ = false;
    if (has_work) {
        return out;  // never wait with an interrupt pending
    }
    start_ns_ = now_ns;
    if (deadline_ns == WFISLEEP_NO_DEADLINE) {
        // Timer off: poll for a kick, then block until one comes.
        out.poll_ns = poll_ns_;
        out.sleep_ns = WFISLEEP_FOREVER;
        forever_ = true;
        slept_ = false;
        poll_end_ns_ = sat_add(now_ns, out.poll_ns);
        sleep_end_ns_ = UINT64_MAX;
        deadline_ns_ = UINT64_MAX;
        pending_ = true;
        return out;
    }
    if (deadline_ns <= now_ns) {
        return out;  // already due: return at once
    }
    const uint64_t remaining = deadline_ns - now_ns;
    out.poll_ns = poll_ns_ < remaining ? poll_ns_ : remaining;
    const uint64_t rest = remaining - out.poll_ns;
    // Sleep only when the sleep left after the advance is worth its cost.
    if (rest > advance_ns_ && rest - advance_ns_ >= p_.sleep_min_ns) {
        out.sleep_ns = rest - advance_ns_;
        out.spin_ns = advance_ns_;
    } else {
        out.spin_ns = rest;
    }
    forever_ = false;
    slept_ = out.sleep_ns > 0;
    poll_end_ns_ = now_ns + out.poll_ns;
    sleep_end_ns_ = poll_end_ns_ + out.sleep_ns;
    deadline_ns_ = deadline_ns;
    pending_ = true;
    return out;
}

void AdaptivePolicy::done(uint64_t end_ns, bool kicked) noexcept {
    done(end_ns, kicked, 0);
}

void AdaptivePolicy::done(uint64_t end_ns, bool kicked, uint64_t sleep_woke_ns) noexcept {
    done(end_ns, kicked, sleep_woke_ns, false);
}

void AdaptivePolicy::done(uint64_t end_ns, bool kicked, uint64_t sleep_woke_ns,
                          bool kick_at_start) noexcept {
    if (!pending_) {
        return;  // done() without a plan, or twice: nothing to learn
    }
    pending_ = false;
    if (kicked && kick_at_start) {
        return;
    }
    if (end_ns < start_ns_) {
        end_ns = start_ns_;  // a clock that went back counts as no time
    }
    if (sleep_woke_ns != 0 && sleep_woke_ns < start_ns_) {
        sleep_woke_ns = 0;
    }

    // 1. Wake-up advance: what the sleep phase overslept by.
    if (slept_) {
        if (sleep_woke_ns != 0) {
            // The waiter returns straight from a kicked sleep (end == woke);
            // such a sleep says nothing about the oversleep.
            const bool kick_ended_sleep =
                kicked && (sleep_woke_ns < sleep_end_ns_ || end_ns <= sleep_woke_ns);
            if (!kick_ended_sleep) {
                learn_oversleep(sat_sub(sleep_woke_ns, sleep_end_ns_));
                if (sleep_woke_ns > deadline_ns_) {
                    ++late_wakes_;
                }
            }
        } else if (!kicked) {
            if (end_ns > sat_add(deadline_ns_, p_.late_ns)) {
                // Late: the spin was skipped, so the sleep ended at end_ns.
                ++late_wakes_;
                learn_oversleep(end_ns - sleep_end_ns_);
            } else {
                // On time: the oversleep was at most the advance; probe down.
                mean_ns_ = sat_sub(mean_ns_, mean_ns_ / p_.advance_probe_div);
                update_advance();
            }
        }
    }

    // 2. Poll window: did a kick come, and when?
    if (!kicked) {
        shrink_poll();  // the timer (or nothing) ended the wait: no kick came
        return;
    }
    if (end_ns < poll_end_ns_) {
        return;  // caught by the poll: keep the window
    }
    if (!forever_ && end_ns >= sleep_end_ns_) {
        // A kick in the spin tail arrived when the timer was due anyway.
        shrink_poll();
        return;
    }
    if (end_ns - start_ns_ <= p_.poll_max_ns) {
        grow_poll();  // a longer window would have caught it
    } else {
        shrink_poll();  // too late for any window we allow
    }
}

// One smoothing step: error/div, but at least 1 ns toward the sample so the
// estimate reaches it instead of stalling up to div-1 ns short.
int64_t AdaptivePolicy::step(int64_t err) const noexcept {
    const int64_t s = err / static_cast<int64_t>(p_.advance_gain_div);
    if (s != 0 || err == 0) {
        return s;
    }
    return err > 0 ? 1 : -1;
}

void AdaptivePolicy::learn_oversleep(uint64_t oversleep_ns) noexcept {
    if (oversleep_ns > sat_add(advance_ns_, p_.advance_outlier_ns)) {
        if (++outlier_run_ < p_.advance_outlier_run) {
            return;  // one odd sample: ignore
        }
    }
    outlier_run_ = 0;
    const uint64_t o = oversleep_ns < p_.advance_max_ns ? oversleep_ns : p_.advance_max_ns;
    // Both values are <= 1 s, so the signed arithmetic cannot overflow.
    const int64_t err = static_cast<int64_t>(o) - static_cast<int64_t>(mean_ns_);
    const int64_t abs_err = err < 0 ? -err : err;
    mean_ns_ = static_cast<uint64_t>(static_cast<int64_t>(mean_ns_) + step(err));
    dev_ns_ = static_cast<uint64_t>(static_cast<int64_t>(dev_ns_) +
                                    step(abs_err - static_cast<int64_t>(dev_ns_)));
    update_advance();
}

void AdaptivePolicy::update_advance() noexcept {
    advance_ns_ =
        clamp(mean_ns_ + dev_ns_ * p_.advance_dev_pct / 100, p_.advance_min_ns, p_.advance_max_ns);
}

void AdaptivePolicy::grow_poll() noexcept {
    uint64_t w = poll_ns_ * p_.poll_grow_pct / 100;
    if (w < p_.poll_grow_start_ns) {
        w = p_.poll_grow_start_ns;
    }
    poll_ns_ = clamp(w, p_.poll_min_ns, p_.poll_max_ns);
}

void AdaptivePolicy::shrink_poll() noexcept {
    uint64_t w = poll_ns_ * p_.poll_shrink_pct / 100;
    if (w < p_.poll_grow_start_ns) {
        w = p_.poll_min_ns;
    }
    poll_ns_ = clamp(w, p_.poll_min_ns, p_.poll_max_ns);
}

uint64_t AdaptivePolicy::advance_ns() const noexcept {
    return advance_ns_;
}
uint64_t AdaptivePolicy::poll_window_ns() const noexcept {
    return poll_ns_;
}
uint64_t AdaptivePolicy::late_wakes() const noexcept {
    return late_wakes_;
}

}  // namespace wfisleep
