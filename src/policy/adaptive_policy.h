// adaptive_policy.h - our deadline-aware idle governor (pure: time is an argument).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "policy/tunable.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep {

// Settings, all with documented defaults (see adaptive_tunables() and
// docs/adaptive.md). Units are in the field names; "_pct" is percent, "_div"
// a divisor, "_run" a count.
struct AdaptiveParams {
    // Wake-up advance: sleep ends this long before the deadline, the rest is spun.
    uint64_t advance_init_ns = 10000;      // starting advance of a new vCPU
    uint64_t advance_min_ns = 0;           // lower bound of the learned advance
    uint64_t advance_max_ns = 300000;      // upper bound (also clamps each sample)
    uint64_t advance_gain_div = 8;         // move 1/div of the error per sample (KVM: 8)
    uint64_t advance_dev_pct = 0;          // advance = mean + pct% of mean deviation
    uint64_t advance_outlier_ns = 200000;  // sample this far above the advance: outlier
    uint64_t advance_outlier_run = 4;      // this many outliers in a row are the new normal
    uint64_t advance_probe_div = 64;       // on-time wait without wake time: mean -= mean/div
    uint64_t late_ns = 2000;               // wait ending this long after the deadline is late
    // Sleep cost: a sleep shorter than this is not worth it; spin instead.
    uint64_t sleep_min_ns = 10000;
    // Poll window (KVM halt-poll style, per vCPU).
    uint64_t poll_init_ns = 0;            // starting window of a new vCPU
    uint64_t poll_min_ns = 0;             // window never goes below this
    uint64_t poll_max_ns = 200000;        // window cap; a kick later than this shrinks it
    uint64_t poll_grow_start_ns = 10000;  // first non-zero window; shrinking below it -> min
    uint64_t poll_grow_pct = 200;         // grow: window = window * pct / 100
    uint64_t poll_shrink_pct = 50;        // shrink: window = window * pct / 100
};

// Rows for every AdaptiveParams field (names start with WFISLEEP_ADAPTIVE_).
std::span<const Tunable<AdaptiveParams>> adaptive_tunables() noexcept;

// Checks cross-field rules (e.g. min <= max). Returns nullptr when valid,
// else a static one-line explanation naming the variables.
const char *adaptive_params_error(const AdaptiveParams &p) noexcept;

// Per-vCPU adaptive state. Owner thread only; no allocation, no lock, no
// syscall in any member.
//
// Contract with the executor of a plan (the library's wait): phases end at
// absolute times measured from the now_ns given to plan(): the poll at
// now+poll_ns, the sleep at now+poll_ns+sleep_ns, the spin at
// now+poll_ns+sleep_ns+spin_ns (= the deadline when a sleep was planned), so
// an oversleep eats into the spin instead of pushing it past the deadline.
class AdaptivePolicy {
  public:
    explicit AdaptivePolicy(const AdaptiveParams &params) noexcept;

    // Decision at now_ns; see wfisleep_vcpu_plan for the guarantees.
    wfisleep_plan plan(uint64_t now_ns, bool has_work, uint64_t deadline_ns) noexcept;

    // Outcome of the last plan: end_ns (same clock), whether a kick ended it.
    // Without the sleep's own wake time an on-time wait only says "the
    // oversleep was at most the advance", so the advance is probed downwards.
    void done(uint64_t end_ns, bool kicked) noexcept;

    // Same, for an executor that knows when its sleep phase returned
    // (sleep_woke_ns, same clock; 0 = unknown or no sleep phase ran): the
    // oversleep is then measured on every wait, like KVM's LAPIC advance.
    void done(uint64_t end_ns, bool kicked, uint64_t sleep_woke_ns) noexcept;

    // Same; kick_at_start: the kick that ended the wait was already pending
    // when it began (it landed after trap_begin, or trap_begin was not
    // called). Such a wait says nothing about the timer or about when kicks
    // come, so nothing is learned: the poll window in particular does not grow.
    void done(uint64_t end_ns, bool kicked, uint64_t sleep_woke_ns, bool kick_at_start) noexcept;

    uint64_t advance_ns() const noexcept;
    uint64_t poll_window_ns() const noexcept;
    uint64_t late_wakes() const noexcept;

    // Learned oversleep mean and mean deviation (what the advance is built from).
    uint64_t oversleep_mean_ns() const noexcept { return mean_ns_; }
    uint64_t oversleep_dev_ns() const noexcept { return dev_ns_; }

  private:
    void learn_oversleep(uint64_t oversleep_ns) noexcept;
    int64_t step(int64_t err) const noexcept;
    void update_advance() noexcept;
    void grow_poll() noexcept;
    void shrink_poll() noexcept;

    AdaptiveParams p_;
    // Learned per vCPU.
    uint64_t mean_ns_;     // smoothed oversleep of the sleep phase
    uint64_t dev_ns_ = 0;  // smoothed |oversleep - mean|
    uint64_t advance_ns_;  // mean + dev margin, clamped to min..max
    uint64_t poll_ns_;     // current poll window
    uint64_t outlier_run_ = 0;
    uint64_t late_wakes_ = 0;
    // The plan awaiting done().
    bool pending_ = false;
    bool forever_ = false;   // no deadline: sleep until kicked
    uint64_t start_ns_ = 0;  // now_ns of the plan
    uint64_t poll_end_ns_ = 0;
    uint64_t sleep_end_ns_ = 0;  // equals poll_end when no sleep was planned
    uint64_t deadline_ns_ = 0;
    bool slept_ = false;  // the plan had a sleep phase before a deadline
};

}  // namespace wfisleep
