// adaptive_policy.cc - the adaptive governor: learned wake-up advance + adaptive poll window.
#include "policy/adaptive_policy.h"

#include <algorithm>
#include <array>

#include "plan_convert.h"

namespace wfisleep {
namespace {

using T = Tunable<AdaptiveParams>;

// Upper bounds keep every product below 2^64: windows and advances are at
// most 1 s, percentages at most 1000.
constexpr uint64_t kSecond = 1000000000;

constexpr std::array<T, kAdaptiveTunableCount> kAdaptiveTunables{{
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
    {"WFISLEEP_ADAPTIVE_ADVANCE_OUTLIER_PCT", &AdaptiveParams::advance_outlier_pct, 0, 100000, "%",
     "... or more than this percentage of the advance above it, if less (0: OUTLIER_NS only)"},
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
    {"WFISLEEP_ADAPTIVE_SPLIT_NS", &AdaptiveParams::split_ns, 0, kSecond, "ns",
     "a sleep expected to return at least this early is followed by a second, short one (0: "
     "never)"},
    {"WFISLEEP_ADAPTIVE_CONTENTION_ENTER_PCT", &AdaptiveParams::contention_enter_pct, 1, 100, "%",
     "share of recent busy waits preempted at which polling stops and the spin is capped"},
    {"WFISLEEP_ADAPTIVE_CONTENTION_LEAVE_PCT", &AdaptiveParams::contention_leave_pct, 0, 100, "%",
     "share at or below which a contended vCPU polls and spins normally again"},
    {"WFISLEEP_ADAPTIVE_CONTENDED_SPIN_NS", &AdaptiveParams::contended_spin_ns, 0, kSecond, "ns",
     "longest spin before the deadline while contended"},
    {"WFISLEEP_ADAPTIVE_PREEMPT_GAP_NS", &AdaptiveParams::preempt_gap_ns, 1000, kSecond, "ns",
     "a busy loop's clock gap longer than this, confirmed by the thread's run delay, is a "
     "preemption"},
    {"WFISLEEP_ADAPTIVE_PINNED_PROBE_DIV", &AdaptiveParams::pinned_probe_div, 1, 65535, "",
     "a class late even at its cap spins its waits, but sleeps one in div to probe (1: always "
     "sleeps)"},
}};

constexpr uint64_t sat_add(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
// How late a sleep woke that the timer is to blame for: its lateness past
// the planned end, less the time the thread then waited on a run queue
// (other runnable work on the core; the timer had fired by then).
uint64_t timer_oversleep(uint64_t planned_end_ns, uint64_t woke_ns,
                         uint64_t run_delay_ns) noexcept {
    const uint64_t late = woke_ns > planned_end_ns ? woke_ns - planned_end_ns : 0;
    return late - std::min(late, run_delay_ns);
}

LatenessParams lateness_params(const AdaptiveParams &p) noexcept {
    LatenessParams l;
    l.init_ns = p.advance_init_ns;
    l.min_ns = p.advance_min_ns;
    l.max_ns = p.advance_max_ns;
    l.gain_div = p.advance_gain_div;
    l.dev_pct = p.advance_dev_pct;
    l.outlier_ns = p.advance_outlier_ns;
    l.outlier_pct = p.advance_outlier_pct;
    l.outlier_run = p.advance_outlier_run;
    l.probe_div = p.advance_probe_div;
    return l;
}

}  // namespace

std::span<const Tunable<AdaptiveParams>> adaptive_tunables() noexcept {
    return kAdaptiveTunables;
}

namespace {
constexpr const char *kAdvMin = "WFISLEEP_ADAPTIVE_ADVANCE_MIN_NS";
constexpr const char *kAdvMax = "WFISLEEP_ADAPTIVE_ADVANCE_MAX_NS";
constexpr const char *kAdvInit = "WFISLEEP_ADAPTIVE_ADVANCE_INIT_NS";
constexpr const char *kPollMin = "WFISLEEP_ADAPTIVE_POLL_MIN_NS";
constexpr const char *kPollMax = "WFISLEEP_ADAPTIVE_POLL_MAX_NS";
constexpr const char *kPollInit = "WFISLEEP_ADAPTIVE_POLL_INIT_NS";
constexpr const char *kEnter = "WFISLEEP_ADAPTIVE_CONTENTION_ENTER_PCT";
constexpr const char *kLeave = "WFISLEEP_ADAPTIVE_CONTENTION_LEAVE_PCT";

constexpr AdaptiveRule kAdvanceOrder{
    "WFISLEEP_ADAPTIVE_ADVANCE_MIN_NS must not exceed WFISLEEP_ADAPTIVE_ADVANCE_MAX_NS",
    {kAdvMin, kAdvMax, nullptr}};
constexpr AdaptiveRule kAdvanceInit{
    "WFISLEEP_ADAPTIVE_ADVANCE_INIT_NS must lie within "
    "WFISLEEP_ADAPTIVE_ADVANCE_MIN_NS..WFISLEEP_ADAPTIVE_ADVANCE_MAX_NS",
    {kAdvInit, kAdvMin, kAdvMax}};
constexpr AdaptiveRule kPollOrder{
    "WFISLEEP_ADAPTIVE_POLL_MIN_NS must not exceed WFISLEEP_ADAPTIVE_POLL_MAX_NS",
    {kPollMin, kPollMax, nullptr}};
constexpr AdaptiveRule kPollInitRule{
    "WFISLEEP_ADAPTIVE_POLL_INIT_NS must lie within "
    "WFISLEEP_ADAPTIVE_POLL_MIN_NS..WFISLEEP_ADAPTIVE_POLL_MAX_NS",
    {kPollInit, kPollMin, kPollMax}};
constexpr AdaptiveRule kContention{
    "WFISLEEP_ADAPTIVE_CONTENTION_LEAVE_PCT must not exceed "
    "WFISLEEP_ADAPTIVE_CONTENTION_ENTER_PCT",
    {kLeave, kEnter, nullptr}};
// Outside every tunable's range, so only a caller that fills AdaptiveParams
// itself can break it.
constexpr AdaptiveRule kDivisors{
    "WFISLEEP_ADAPTIVE_*: a divisor, run or grow start is 0, or GROW_PCT <= 100, or "
    "SHRINK_PCT >= 100",
    {nullptr, nullptr, nullptr}};
}  // namespace

const AdaptiveRule *adaptive_params_broken_rule(const AdaptiveParams &p) noexcept {
    if (p.advance_min_ns > p.advance_max_ns) {
        return &kAdvanceOrder;
    }
    if (p.advance_init_ns < p.advance_min_ns || p.advance_init_ns > p.advance_max_ns) {
        return &kAdvanceInit;
    }
    if (p.poll_min_ns > p.poll_max_ns) {
        return &kPollOrder;
    }
    if (p.poll_init_ns < p.poll_min_ns || p.poll_init_ns > p.poll_max_ns) {
        return &kPollInitRule;
    }
    if (p.contention_leave_pct > p.contention_enter_pct) {
        return &kContention;
    }
    if (p.advance_gain_div == 0 || p.advance_probe_div == 0 || p.advance_outlier_run == 0 ||
        p.poll_grow_start_ns == 0 || p.poll_grow_pct <= 100 || p.poll_shrink_pct >= 100 ||
        p.pinned_probe_div == 0) {
        return &kDivisors;
    }
    return nullptr;
}

const char *adaptive_params_error(const AdaptiveParams &p) noexcept {
    const AdaptiveRule *r = adaptive_params_broken_rule(p);
    return r != nullptr ? r->text : nullptr;
}

namespace {
// Params repaired so that a caller that skipped adaptive_params_error still
// gets bounded, non-dividing-by-zero behaviour.
// (The lateness estimator repairs its own divisors.)
AdaptiveParams repaired(AdaptiveParams p) noexcept {
    if (p.poll_grow_start_ns == 0) {
        p.poll_grow_start_ns = 1;
    }
    if (p.poll_grow_pct <= 100) {
        p.poll_grow_pct = 200;
    }
    if (p.poll_shrink_pct >= 100) {
        p.poll_shrink_pct = 50;
    }
    p.poll_grow_pct = std::clamp<uint64_t>(p.poll_grow_pct, 101, 1000);
    p.advance_dev_pct = std::clamp<uint64_t>(p.advance_dev_pct, 0, 1000);
    p.advance_max_ns = std::clamp<uint64_t>(p.advance_max_ns, 0, kSecond);
    p.advance_min_ns = std::clamp<uint64_t>(p.advance_min_ns, 0, p.advance_max_ns);
    p.advance_init_ns = std::clamp<uint64_t>(p.advance_init_ns, p.advance_min_ns, p.advance_max_ns);
    p.poll_max_ns = std::clamp<uint64_t>(p.poll_max_ns, 0, kSecond);
    p.poll_min_ns = std::clamp<uint64_t>(p.poll_min_ns, 0, p.poll_max_ns);
    p.poll_init_ns = std::clamp<uint64_t>(p.poll_init_ns, p.poll_min_ns, p.poll_max_ns);
    p.split_ns = std::clamp<uint64_t>(p.split_ns, 0, kSecond);
    p.contention_enter_pct = std::clamp<uint64_t>(p.contention_enter_pct, 1, 100);
    p.contention_leave_pct =
        std::clamp<uint64_t>(p.contention_leave_pct, 0, p.contention_enter_pct);
    p.contended_spin_ns = std::clamp<uint64_t>(p.contended_spin_ns, 0, kSecond);
    p.sleep_min_ns = std::clamp<uint64_t>(p.sleep_min_ns, 0, kSecond);
    p.pinned_probe_div = std::clamp<uint64_t>(p.pinned_probe_div, 1, 65535);
    p.preempt_gap_ns = std::clamp<uint64_t>(p.preempt_gap_ns, 1000, kSecond);
    return p;
}
}  // namespace

AdaptivePolicy::AdaptivePolicy(const AdaptiveParams &params) noexcept
    : p_(repaired(params)),
      classes_(lateness_params(p_)),
      gate_(p_.contention_enter_pct, p_.contention_leave_pct),
      poll_ns_(p_.poll_init_ns) {}

void AdaptivePolicy::plan2(uint64_t now_ns, bool has_work, uint64_t deadline_ns,
                           wfisleep_plan2 &out, bool split_ok) noexcept {
    out.nphases = 0;
    out.start_ns = now_ns;
    pending_ = false;
    if (has_work) {
        return;  // never wait with an interrupt pending
    }
    const bool quiet = !gate_.contended();
    const uint64_t window = quiet ? poll_ns_ : 0;
    start_ns_ = now_ns;
    learn_ = quiet;
    s1_ = kNone;
    s2_ = kNone;
    if (deadline_ns == WFISLEEP_NO_DEADLINE) {
        // Timer off: poll for a kick, then block until one comes. (At the
        // clock's very end the poll's end would saturate below now: none.)
        poll_end_ns_ = phase_end_add(now_ns, window);
        poll_ = window > 0 && poll_end_ns_ > now_ns;
        spin_ = false;
        if (poll_) {
            push_phase(out, WFISLEEP_PHASE_POLL, WFISLEEP_PHASE_YIELD, poll_end_ns_);
        }
        push_phase(out, WFISLEEP_PHASE_SLEEP, 0, WFISLEEP_FOREVER);
        forever_ = true;
        deadline_ns_ = UINT64_MAX;
        nphases_ = out.nphases;
        pending_ = true;
        return;
    }
    if (deadline_ns <= now_ns) {
        return;  // already due: return at once
    }
    forever_ = false;
    deadline_ns_ = deadline_ns;
    // Phases are written through a local count (one store of nphases at the
    // end): the hot path stays a handful of stores.
    uint32_t n = 0;
    wfisleep_phase *ph = out.phase;
    const uint64_t poll = std::min(window, deadline_ns - now_ns);
    poll_end_ns_ = now_ns + poll;
    uint64_t last_end = poll_end_ns_;
    if (poll > 0) {
        ph[n++] = wfisleep_phase{WFISLEEP_PHASE_POLL, WFISLEEP_PHASE_YIELD, poll_end_ns_};
    }
    const uint64_t rest = deadline_ns - poll_end_ns_;
    const uint32_t c1 = LatenessClasses::class_of(rest);
    uint64_t a1 = classes_.advance_ns(c1);
    if (!quiet) {
        a1 = std::min(a1, p_.contended_spin_ns);  // late rather than spin on a busy core
    }
    // Sleep only when the sleep left after the advance is worth its cost,
    // and not in a class that is late even at its cap (but for its probes).
    if (rest > a1 && rest - a1 >= p_.sleep_min_ns && !(quiet && spin_pinned(c1))) {
        last_class_ = c1;
        s1_ = n;
        s1_end_ns_ = deadline_ns - a1;
        ph[n++] = wfisleep_phase{WFISLEEP_PHASE_SLEEP, 0, s1_end_ns_};
        last_end = s1_end_ns_;
        // What the first sleep is expected to leave before the deadline is
        // its margin; when that is long, a short second sleep (small
        // lateness, as it is short) covers most of it instead of a spin.
        const uint64_t left = a1 - std::min(a1, classes_.mean_ns(c1));
        if (quiet && split_ok && p_.split_ns > 0 && left >= p_.split_ns) {
            const uint32_t c2 = LatenessClasses::class_of(left);
            const uint64_t a2 = classes_.advance_ns(c2);
            // (A pinned class's second sleep would be late: spin instead.)
            if (left > a2 && left - a2 >= p_.sleep_min_ns && !classes_.pinned(c2)) {
                s2_ = n;
                s2_end_ns_ = deadline_ns - a2;
                ph[n++] = wfisleep_phase{WFISLEEP_PHASE_SLEEP, 0, s2_end_ns_};
                last_end = s2_end_ns_;
            }
        }
    }
    poll_ = poll > 0;
    spin_ = last_end < deadline_ns;
    if (spin_) {
        ph[n++] = wfisleep_phase{WFISLEEP_PHASE_SPIN, WFISLEEP_PHASE_YIELD, deadline_ns};
    }
    out.nphases = n;
    nphases_ = out.nphases;
    pending_ = true;
}

wfisleep_plan AdaptivePolicy::plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) noexcept {
    wfisleep_plan2 p2;  // plan2 fills it up to nphases
    plan2(now_ns, has_work, deadline_ns, p2, false);
    wfisleep_plan p = plan_from_plan2(p2);
    if (pending_ && forever_) {
        // The poll's length, also where its end saturated at the clock's end.
        p.poll_ns = gate_.contended() ? 0 : poll_ns_;
    }
    return p;
}

void AdaptivePolicy::done(uint64_t end_ns, bool kicked) noexcept {
    done(end_ns, kicked, 0, false);
}

void AdaptivePolicy::done(uint64_t end_ns, bool kicked, uint64_t sleep_woke_ns) noexcept {
    done(end_ns, kicked, sleep_woke_ns, false);
}

void AdaptivePolicy::done(uint64_t end_ns, bool kicked, uint64_t sleep_woke_ns,
                          bool kick_at_start) noexcept {
    wfisleep_outcome o{};
    o.size = sizeof o;
    o.flags = (kicked ? WFISLEEP_OUTCOME_KICKED : 0u) |
              (kick_at_start ? WFISLEEP_OUTCOME_KICK_AT_START : 0u);
    o.end_ns = end_ns;
    o.ended_in = nphases_;
    if (pending_ && s1_ != kNone && sleep_woke_ns != 0) {
        o.wake_ns[s1_] = sleep_woke_ns;
        // The 0.1 executor returns straight from a kicked sleep (end == woke).
        if (kicked && (sleep_woke_ns < s1_end_ns_ || end_ns <= sleep_woke_ns)) {
            o.ended_in = s1_;
        }
    }
    done2(o);
}

void AdaptivePolicy::done2(const wfisleep_outcome &o) noexcept {
    if (!pending_) [[unlikely]] {
        return;  // done without a plan, or twice: nothing to learn
    }
    pending_ = false;
    const bool kicked = (o.flags & WFISLEEP_OUTCOME_KICKED) != 0;
    if (kicked && (o.flags & WFISLEEP_OUTCOME_KICK_AT_START) != 0) [[unlikely]] {
        return;  // says nothing about the timer or about when kicks come
    }
    const bool preempted = (o.flags & WFISLEEP_OUTCOME_PREEMPTED) != 0;
    const uint64_t end_ns = o.end_ns < start_ns_ ? start_ns_ : o.end_ns;
    gate_.observe(preempted                     ? ContentionGate::Wait::preempted
                  : busy_ran(o, kicked, end_ns) ? ContentionGate::Wait::busy
                                                : ContentionGate::Wait::idle);
    if (preempted) [[unlikely]] {
        return;  // the thread was not running: neither lateness nor kick timing
    }
    learn_from_sleeps(o, kicked, end_ns);
    adapt_poll_window(kicked, end_ns);
}

AdaptivePolicy::SleepSeen AdaptivePolicy::see_sleep(const wfisleep_outcome &o, uint32_t phase,
                                                    uint64_t planned_end, uint64_t planned_begin,
                                                    uint64_t not_before,
                                                    bool kicked) const noexcept {
    SleepSeen s;
    const uint64_t woke = o.wake_ns[phase];
    if (woke == 0 || woke < not_before) {
        return s;  // unknown (or from before this plan)
    }
    s.woke = true;
    s.woke_ns = woke;
    s.kicked = kicked && o.ended_in == phase;
    const uint64_t began = o.begin_ns[phase];
    s.began_ns = began >= start_ns_ && began <= woke ? began : planned_begin;
    s.blocked = s.began_ns < planned_end;
    s.timer_oversleep_ns = timer_oversleep(planned_end, woke, o.run_delay_ns[phase]);
    return s;
}

void AdaptivePolicy::learn_oversleep(uint32_t c, uint64_t timer_oversleep_ns) noexcept {
    if (!learn_) {
        return;  // planned while contended: run-queue delay would pass for oversleep
    }
    classes_.learn(c, timer_oversleep_ns);
    changed_classes_ |= 1U << c;
}

void AdaptivePolicy::learn_from_sleeps(const wfisleep_outcome &o, bool kicked,
                                       uint64_t end_ns) noexcept {
    if (s1_ == kNone) {
        if (!forever_ && !kicked && end_ns > late_after_ns()) {
            ++late_wakes_;  // a spin-only wait that still ended late (a suspended host)
        }
        return;
    }
    const uint64_t s1_planned_begin = poll_ ? poll_end_ns_ : start_ns_;
    const SleepSeen first = see_sleep(o, s1_, s1_end_ns_, s1_planned_begin, start_ns_, kicked);
    if (!first.woke) {
        learn_without_wake_times(kicked, end_ns);
        return;
    }
    if (first.kicked) {
        return;  // a kick ended it: it says nothing about the timer
    }
    if (first.blocked) {
        learn_oversleep(last_class_, first.timer_oversleep_ns);
    }
    uint64_t last_woke_ns = first.woke_ns;
    if (s2_ != kNone) {
        const SleepSeen second =
            see_sleep(o, s2_, s2_end_ns_, first.woke_ns, first.woke_ns, kicked);
        if (second.woke && !second.kicked) {
            last_woke_ns = second.woke_ns;
            if (second.blocked) {
                learn_oversleep(LatenessClasses::class_of(deadline_ns_ - second.began_ns),
                                second.timer_oversleep_ns);
            }
        }
    }
    if (last_woke_ns > deadline_ns_) {
        ++late_wakes_;
    }
}

void AdaptivePolicy::learn_without_wake_times(bool kicked, uint64_t end_ns) noexcept {
    if (kicked) {
        return;
    }
    if (end_ns > late_after_ns()) {
        // Late: the spin was skipped, so the last sleep ended at end_ns.
        ++late_wakes_;
        learn_oversleep(last_class_, end_ns - last_sleep_end_ns());
    } else if (learn_) {
        // On time: the oversleep was at most the advance; probe downwards.
        classes_.probe_down(last_class_);
        changed_classes_ |= 1U << last_class_;
    }
}

void AdaptivePolicy::adapt_poll_window(bool kicked, uint64_t end_ns) noexcept {
    if (!kicked) {
        shrink_poll();  // the timer (or nothing) ended the wait: no kick came
        return;
    }
    if (end_ns < poll_end_ns_) {
        return;  // caught by the poll: keep the window
    }
    if (!forever_ && end_ns >= last_sleep_end_ns()) {
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

bool AdaptivePolicy::spin_pinned(uint32_t c) noexcept {
    return classes_.pinned(c) && !classes_.probe_due(c, p_.pinned_probe_div);
}

uint64_t AdaptivePolicy::late_after_ns() const noexcept {
    return sat_add(deadline_ns_, p_.late_ns);
}

bool AdaptivePolicy::busy_ran(const wfisleep_outcome &o, bool kicked,
                              uint64_t end_ns) const noexcept {
    if (poll_) {
        return true;  // the first phase: it ran unless the kick was pending at the start
    }
    if (!spin_ || (kicked && end_ns < last_sleep_end_ns())) {
        return false;  // no spin planned, or a kick ended a sleep before it
    }
    // A sleep that returned at or past the deadline left no spin to run.
    const uint32_t last_sleep = s2_ != kNone ? s2_ : s1_;
    return last_sleep == kNone || o.wake_ns[last_sleep] < deadline_ns_;
}

void AdaptivePolicy::grow_poll() noexcept {
    uint64_t w = poll_ns_ * p_.poll_grow_pct / 100;
    if (w < p_.poll_grow_start_ns) {
        w = p_.poll_grow_start_ns;
    }
    poll_ns_ = std::clamp<uint64_t>(w, p_.poll_min_ns, p_.poll_max_ns);
}

void AdaptivePolicy::shrink_poll() noexcept {
    if (poll_ns_ == p_.poll_min_ns) {
        return;  // the rule below maps the minimum to itself (shrink_pct < 100)
    }
    uint64_t w = poll_ns_ * p_.poll_shrink_pct / 100;
    if (w < p_.poll_grow_start_ns) {
        w = p_.poll_min_ns;
    }
    poll_ns_ = std::clamp<uint64_t>(w, p_.poll_min_ns, p_.poll_max_ns);
}

}  // namespace wfisleep
