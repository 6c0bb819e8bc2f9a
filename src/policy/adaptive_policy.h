// adaptive_policy.h - our deadline-aware idle governor (pure: time is an argument).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "policy/contention_gate.h"
#include "policy/hot_path.h"
#include "policy/lateness_classes.h"
#include "policy/tunable.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep {

// Settings, all with documented defaults (see adaptive_tunables() and
// docs/adaptive.md). Units are in the field names; "_pct" is percent, "_div"
// a divisor, "_run" a count.
struct AdaptiveParams {
    // Wake-up advance, learned per class of sleep length (lateness_classes.h):
    // a sleep ends this long before the deadline, the rest is spun.
    uint64_t advance_init_ns = 10000;      // advance of a class before its first sample
    uint64_t advance_min_ns = 0;           // lower bound of every class's advance
    uint64_t advance_max_ns = 2000000;     // upper bound (also clamps each sample)
    uint64_t advance_gain_div = 8;         // move 1/div of the error per sample (KVM: 8)
    uint64_t advance_dev_pct = 200;        // advance = mean + pct% of mean deviation
    uint64_t advance_outlier_ns = 200000;  // sample this far above the class's advance: outlier
    uint64_t advance_outlier_pct = 50;     // ... or this % of the advance (0: absolute only)
    uint64_t advance_outlier_run = 4;      // this many outliers in a row are the new normal
    uint64_t advance_probe_div = 64;       // on-time wait without wake time: mean -= mean/div
    uint64_t late_ns = 2000;               // wait ending this long after the deadline is late
    // Sleep cost: a sleep shorter than this is not worth it; spin instead.
    uint64_t sleep_min_ns = 10000;
    // Poll window (KVM halt-poll style, per vCPU).
    uint64_t poll_init_ns = 0;            // starting window of a new vCPU
    uint64_t poll_min_ns = 0;             // window never goes below this
    uint64_t poll_max_ns = 50000;         // window cap; a kick later than this shrinks it
    uint64_t poll_grow_start_ns = 10000;  // first non-zero window; shrinking below it -> min
    uint64_t poll_grow_pct = 200;         // grow: window = window * pct / 100
    uint64_t poll_shrink_pct = 50;        // shrink: window = window * pct / 100
    // Two sleeps: when the first sleep is expected to return at least this
    // long before the deadline, a second, short sleep follows it (0 = never).
    uint64_t split_ns = 20000;
    // Contention (contention_gate.h): share of preempted busy waits, percent.
    uint64_t contention_enter_pct = 25;  // at or above: stop polling, cap the spin
    uint64_t contention_leave_pct = 5;   // at or below: back to normal
    uint64_t contended_spin_ns = 10000;  // spin cap while contended
    // A busy loop's clock gap longer than this, confirmed by the thread's
    // local signal, is a preemption (the waiter's threshold).
    uint64_t preempt_gap_ns = 30000;
    // A class pinned at its cap spins its waits; one in this many sleeps
    // anyway (a probe), so it notices when the host gets better (1: never spin).
    uint64_t pinned_probe_div = 32;
};

// How many tunables adaptive_tunables() has.
inline constexpr size_t kAdaptiveTunableCount = 23;

// Rows for every AdaptiveParams field (names start with WFISLEEP_ADAPTIVE_).
std::span<const Tunable<AdaptiveParams>> adaptive_tunables() noexcept;

// One cross-field rule between tunables (e.g. min <= max): what it says and
// the variables it involves (unused slots nullptr).
struct AdaptiveRule {
    const char *text;      // e.g. "WFISLEEP_ADAPTIVE_POLL_MIN_NS must not exceed ..."
    const char *names[3];  // the variables of the rule
};

// The first cross-field rule p breaks, or nullptr when p is valid.
const AdaptiveRule *adaptive_params_broken_rule(const AdaptiveParams &p) noexcept;

// The broken rule's text (static, one line, naming the variables), or
// nullptr when p is valid.
const char *adaptive_params_error(const AdaptiveParams &p) noexcept;

// Per-vCPU adaptive state. Owner thread only; no allocation, no lock, no
// syscall in any member.
//
// A plan with a deadline D is, in order (each part only when it applies):
// poll (the learned window, ending at D at the latest), a sleep ending
// advance(class) before D, a second short sleep ending advance(its class)
// before D when the first is expected to return at least split_ns early,
// then a spin to D. Poll and spin phases carry WFISLEEP_PHASE_YIELD. Phase
// ends are absolute, so an oversleep eats into what follows instead of
// pushing the wait past D. A class pinned at its cap (its sleeps are late
// even when they end a whole cap early) spins instead of sleeping, but for
// one wait in pinned_probe_div. While the contention gate is closed: no poll,
// one sleep, and a spin of at most contended_spin_ns; the gate sees every
// wait (contention_gate.h), so plain sleeps reopen it on a quiet host.
class AdaptivePolicy {
  public:
    explicit AdaptivePolicy(const AdaptiveParams &params) noexcept;

    // The plan at now_ns into out (phases, nphases, start_ns; at most
    // kMaxPhases phases; out.size is not touched); see wfisleep_vcpu_plan2
    // for the guarantees. split_ok = false: one sleep at most (for the 0.1
    // plan shape, which cannot hold two).
    void plan2(uint64_t now_ns, bool has_work, uint64_t deadline_ns, wfisleep_plan2 &out,
               bool split_ok = true) noexcept;

    // The same decision in the 0.1 shape (never split).
    wfisleep_plan plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) noexcept;

    // Outcome of the last plan: per-sleep wake times, begin times and run
    // delays (0 = unknown), flags (KICKED, KICK_AT_START, PREEMPTED),
    // end_ns, ended_in. Learns the timer oversleep of every sleep that
    // really slept (began before its planned end) and was not ended by a
    // kick, into its class: how late it woke past its planned end, less the
    // run-queue delay measured across it. Nothing from a wait that began
    // with a pending kick or that saw its thread preempted (the latter only
    // feeds the contention gate); no oversleep while the gate is closed.
    // Without wake times an on-time wait only says "the oversleep was at
    // most the advance", so that class's advance is probed downwards.
    void done2(const wfisleep_outcome &o) noexcept;

    // 0.1-style reports, for an executor that ran the 0.1 plan shape:
    // sleep_woke_ns = when its sleep returned (0 = unknown); kick_at_start
    // as WFISLEEP_OUTCOME_KICK_AT_START.
    void done(uint64_t end_ns, bool kicked) noexcept;
    void done(uint64_t end_ns, bool kicked, uint64_t sleep_woke_ns) noexcept;
    void done(uint64_t end_ns, bool kicked, uint64_t sleep_woke_ns, bool kick_at_start) noexcept;

    // The advance of the class the last plan slept in (initially class 0's).
    uint64_t advance_ns() const noexcept { return classes_.advance_ns(last_class_); }
    uint64_t poll_window_ns() const noexcept { return poll_ns_; }
    uint64_t late_wakes() const noexcept { return late_wakes_; }
    bool contended() const noexcept { return gate_.contended(); }
    // The last plan has a sleep phase (bounded or FOREVER).
    bool planned_sleep() const noexcept { return pending_ && (forever_ || s1_ != kNone); }
    // The class of the last plan's (first) sleep.
    uint32_t last_class() const noexcept { return last_class_; }
    const LatenessClasses &classes() const noexcept { return classes_; }

    // Classes whose advance changed since the last call (bit c = class c),
    // for a copy of every class's advance kept elsewhere; clears the set.
    uint32_t take_changed_classes() noexcept {
        const uint32_t m = changed_classes_;
        changed_classes_ = 0;
        return m;
    }

    // The learned oversleep mean and mean deviation of the last plan's class.
    uint64_t oversleep_mean_ns() const noexcept { return classes_.mean_ns(last_class_); }
    uint64_t oversleep_dev_ns() const noexcept { return classes_.dev_ns(last_class_); }

    static constexpr uint32_t kMaxPhases = 4;  // poll, sleep, sleep, spin

  private:
    // The helpers of plan2/done2 below are defined in adaptive_policy.cc,
    // their only caller, and inlined there (hot_path.h).
    static constexpr uint32_t kNone = UINT32_MAX;
    // Where the last planned sleep ends, i.e. where the spin tail starts
    // (the poll's end when the plan has no sleep).
    uint64_t last_sleep_end_ns() const noexcept {
        return s2_ != kNone ? s2_end_ns_ : s1_ != kNone ? s1_end_ns_ : poll_end_ns_;
    }
    // What one sleep phase of the pending plan did, read from its outcome.
    struct SleepSeen {
        bool woke = false;     // it has a wake time (0: unknown or did not run)
        bool kicked = false;   // a kick ended it
        bool blocked = false;  // it began before its planned end, so it really slept
        uint64_t began_ns = 0;
        uint64_t woke_ns = 0;
        uint64_t timer_oversleep_ns = 0;  // late past its planned end, less its run delay
    };
    // Sleep phase `phase` ending at planned_end: woke_ns must be at least
    // not_before to count; planned_begin stands in for an unknown begin_ns.
    WFISLEEP_HOT_INLINE SleepSeen see_sleep(const wfisleep_outcome &o, uint32_t phase,
                                            uint64_t planned_end, uint64_t planned_begin,
                                            uint64_t not_before, bool kicked) const noexcept;
    // Done, step 1: the wake-up advance, from the sleeps' timer oversleep.
    WFISLEEP_HOT_INLINE void learn_from_sleeps(const wfisleep_outcome &o, bool kicked,
                                               uint64_t end_ns) noexcept;
    // ... when the executor did not report wake times.
    WFISLEEP_HOT_INLINE void learn_without_wake_times(bool kicked, uint64_t end_ns) noexcept;
    // One timer oversleep sample of class c (only while the gate was open).
    WFISLEEP_HOT_INLINE void learn_oversleep(uint32_t c, uint64_t timer_oversleep_ns) noexcept;
    // Done, step 2: the poll window, from whether and when a kick came.
    WFISLEEP_HOT_INLINE void adapt_poll_window(bool kicked, uint64_t end_ns) noexcept;
    // Whether the wait of the pending plan ran a poll or spin loop (what the
    // contention gate can learn from), judged from its outcome.
    WFISLEEP_HOT_INLINE bool busy_ran(const wfisleep_outcome &o, bool kicked,
                                      uint64_t end_ns) const noexcept;
    // Whether a wait of class c, which would sleep, spins instead: the class
    // is pinned at its cap and this is not its probe (counts the wait).
    WFISLEEP_HOT_INLINE bool spin_pinned(uint32_t c) noexcept;
    WFISLEEP_HOT_INLINE uint64_t
    late_after_ns() const noexcept;  // the deadline + late_ns (saturating)
    WFISLEEP_HOT_INLINE void grow_poll() noexcept;
    WFISLEEP_HOT_INLINE void shrink_poll() noexcept;

    AdaptiveParams p_;
    LatenessClasses classes_;
    ContentionGate gate_;
    uint64_t poll_ns_;  // current poll window
    uint64_t late_wakes_ = 0;
    uint32_t last_class_ = 0;
    uint32_t changed_classes_ = 0;  // see take_changed_classes
    // The plan awaiting done().
    bool pending_ = false;
    bool forever_ = false;  // no deadline: sleep until kicked
    bool poll_ = false;     // it had a poll phase (always the first)
    bool spin_ = false;     // ... a spin tail
    bool learn_ = false;    // the gate was open when it was made
    uint32_t nphases_ = 0;
    uint64_t start_ns_ = 0;  // now_ns of the plan
    uint64_t poll_end_ns_ = 0;
    uint64_t deadline_ns_ = 0;
    uint32_t s1_ = kNone;     // phase index of the first sleep and its end (its
    uint64_t s1_end_ns_ = 0;  // class is last_class_)
    uint32_t s2_ = kNone;     // phase index of the second sleep and its end
    uint64_t s2_end_ns_ = 0;
};

}  // namespace wfisleep
