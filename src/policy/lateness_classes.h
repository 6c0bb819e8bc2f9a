// lateness_classes.h - how late a timed sleep returns, learned per class of sleep length (pure).
#pragma once

#include <cstdint>

#include "policy/hot_path.h"

namespace wfisleep {

// Settings of the estimator (a subset of AdaptiveParams, copied in so this
// file does not depend on the policy).
struct LatenessParams {
    uint64_t init_ns = 10000;      // advance of a class with no samples yet
    uint64_t min_ns = 0;           // advance lower bound
    uint64_t max_ns = 2000000;     // advance upper bound; samples are clamped to it
    uint64_t gain_div = 8;         // steady-state smoothing: 1/div of each error
    uint64_t dev_pct = 200;        // advance = mean + pct% of the mean deviation
    uint64_t outlier_ns = 200000;  // a sample this far above the class's advance ...
    uint64_t outlier_pct = 50;     // ... or this percentage of it (0: no relative bound) ...
    uint64_t outlier_run = 4;      // ... is ignored unless this many come in a row
    uint64_t probe_div = 64;       // an on-time wait without a wake time: mean -= mean/div
};

// Per-vCPU oversleep estimates, one per class of "time from the sleep's
// start to the deadline": octaves from 16 us (class 0 holds everything
// shorter than 32 us) to 64 ms (class kClasses-1 holds everything longer).
// Lateness that grows with the sleep's length (macOS coalescing, up to a
// fraction of it) and lateness that does not (Linux, a fixed wake-up cost)
// are both served: each class learns its own mean, mean deviation and
// outlier bound, so a 100 us wait and a 10 ms wait of one guest do not
// share an estimate.
//
// A class learns fast from cold: its first samples are averaged equally
// (gain 1/n for the n-th, up to 1/gain_div), so the first sample sets the
// estimate and four give their mean; afterwards each sample moves it by
// 1/gain_div of the error, so after a change of host it takes about
// gain_div samples to cover two thirds of the step (see docs/adaptive.md).
//
// Owner thread only; fixed size (no allocation), no syscall.
class LatenessClasses {
  public:
    static constexpr uint32_t kClasses = 13;
    static constexpr uint32_t kBaseShift = 14;  // 2^14 ns ~ 16 us: class 0's start

    explicit LatenessClasses(const LatenessParams &p) noexcept;

    // The class of a sleep that starts span_ns before its deadline.
    static uint32_t class_of(uint64_t span_ns) noexcept {
        const uint64_t v = span_ns >> kBaseShift;
        if (v < 2) {
            return 0;
        }
        const uint32_t c = 63U - static_cast<uint32_t>(__builtin_clzll(v));
        return c < kClasses - 1 ? c : kClasses - 1;
    }

    // The largest advance of class c: 3/4 of the shortest span in it (16 us
    // for class 0), within max_ns, so a sleep of every class but the
    // shortest stays possible and keeps measuring (a class that only spun
    // would never learn again).
    uint64_t cap_ns(uint32_t c) const noexcept {
        const uint64_t edge = edge_cap_ns(c);
        return edge < p_.max_ns ? edge : p_.max_ns;
    }
    // 3/4 of the shortest span in class c: the cap unless max_ns is lower.
    static uint64_t edge_cap_ns(uint32_t c) noexcept {
        return ((uint64_t{1} << kBaseShift) << c) / 4 * 3;
    }

    // Class c is pinned at its cap: its learned oversleep has reached (15/16
    // of) the class's own cap, so a sleep of it returns late however early it
    // is planned. Only a cap of the class's own span pins; a class held down
    // by max_ns (the user's limit on the spin) keeps sleeping, and so does
    // the open-ended last class (its waits can be any length). The policy
    // spins a pinned class's waits, at most the class's span (under 8/3 of
    // max_ns), and sleeps one in probe_div to notice when the host gets
    // better.
    bool pinned(uint32_t c) const noexcept {
        if (c >= kClasses - 1) {
            return false;
        }
        const Class &k = cls_[c];
        return pinnable_[c] && k.n > 0 && k.mean_ns * 16 >= pin_mean16_[c];
    }
    // Counts one wait of pinned class c; true for one in every probe_div
    // (that wait sleeps anyway: a probe).
    bool probe_due(uint32_t c, uint64_t probe_div) noexcept {
        Class &k = cls_[c];
        if (++k.pinned_waits >= probe_div) {
            k.pinned_waits = 0;
            return true;
        }
        return false;
    }

    // How early a sleep of class c must end so that its return lands at the
    // deadline: mean + dev_pct% of the mean deviation, within min..cap_ns(c).
    uint64_t advance_ns(uint32_t c) const noexcept { return cls_[c].advance_ns; }
    // The learned mean oversleep of class c (without the margin).
    uint64_t mean_ns(uint32_t c) const noexcept { return cls_[c].mean_ns; }
    uint64_t dev_ns(uint32_t c) const noexcept { return cls_[c].dev_ns; }
    uint32_t samples(uint32_t c) const noexcept { return cls_[c].n; }

    // One measured oversleep (wake time - planned end) of a sleep of class c.
    // Once the class has a few samples, one above its outlier bound (advance
    // + the smaller of outlier_ns and outlier_pct% of the advance) is ignored
    // unless outlier_run of them come in a row.
    // (Inlined into the policy's done2, which runs it every wait.)
    [[gnu::always_inline]] void learn(uint32_t c, uint64_t oversleep_ns) noexcept {
        if (c >= kClasses) {
            c = kClasses - 1;
        }
        Class &k = cls_[c];
        // The class's own bound: far above what it has seen is an outlier (a
        // preemption, a host hiccup) until it keeps happening.
        // (The bound is at least the advance: a sample at or below it is
        // never an outlier, and the bound's multiply is skipped.)
        if (k.n >= kColdSamples && oversleep_ns > k.advance_ns &&
            oversleep_ns > outlier_bound_ns(c)) {
            if (++k.outlier_run < p_.outlier_run) {
                return;
            }
        }
        k.outlier_run = 0;
        if (k.n < UINT32_MAX) {
            ++k.n;
        }
        const uint64_t cap = cap_[c];
        const uint64_t o = oversleep_ns < cap ? oversleep_ns : cap;
        // Both values are <= 1 s, so the signed arithmetic cannot overflow.
        const int64_t err = static_cast<int64_t>(o) - static_cast<int64_t>(k.mean_ns);
        const int64_t abs_err = err < 0 ? -err : err;
        if (k.n > p_.gain_div && gain_shift_ >= 0) {
            // A warm class under a power-of-two gain (the default, 8): both
            // steps are the same shift (what step() gives for n and n - 1).
            k.mean_ns = static_cast<uint64_t>(static_cast<int64_t>(k.mean_ns) +
                                              shift_step(err, gain_shift_));
            k.dev_ns = static_cast<uint64_t>(
                static_cast<int64_t>(k.dev_ns) +
                shift_step(abs_err - static_cast<int64_t>(k.dev_ns), gain_shift_));
            update_advance(k, c);
            return;
        }
        k.mean_ns = static_cast<uint64_t>(static_cast<int64_t>(k.mean_ns) + step(err, k.n));
        if (k.n == 1) {
            k.dev_ns = 0;  // the cold start value was a guess, not a deviation
        } else {
            k.dev_ns =
                static_cast<uint64_t>(static_cast<int64_t>(k.dev_ns) +
                                      step(abs_err - static_cast<int64_t>(k.dev_ns), k.n - 1));
        }
        update_advance(k, c);
    }
    // The outlier bound of class c (see learn).
    uint64_t outlier_bound_ns(uint32_t c) const noexcept {
        const uint64_t adv = cls_[c < kClasses ? c : kClasses - 1].advance_ns;
        // advance <= 1 s and pct <= 100000: no overflow.
        const uint64_t rel = p_.outlier_pct == 0 ? p_.outlier_ns : adv * p_.outlier_pct / 100;
        const uint64_t margin = rel < p_.outlier_ns ? rel : p_.outlier_ns;
        return adv > UINT64_MAX - margin ? UINT64_MAX : adv + margin;
    }
    // A wait of class c that ended on time without a known wake time: the
    // oversleep was at most the advance; move the mean down a little.
    void probe_down(uint32_t c) noexcept {
        if (c >= kClasses) {
            c = kClasses - 1;
        }
        Class &k = cls_[c];
        // (A shift for the default divisor, 64: the 0.1 done's 64-bit divide.)
        k.mean_ns -= probe_shift_ >= 0 ? k.mean_ns >> probe_shift_ : k.mean_ns / p_.probe_div;
        update_advance(k, c);
    }

  private:
    // Samples averaged equally before the steady-state gain takes over; also
    // how many a class needs before outliers are judged against it.
    static constexpr uint32_t kColdSamples = 4;

    struct Class {
        uint64_t mean_ns;
        uint64_t dev_ns;
        uint64_t advance_ns;
        uint32_t n;             // samples taken, saturating
        uint16_t outlier_run;   // outliers in a row (at most outlier_run <= 1000)
        uint16_t pinned_waits;  // waits while pinned since the last probe
    };

    // err / 2^sh rounded toward zero (what a signed divide gives), but at
    // least 1 ns toward a non-zero err.
    static int64_t shift_step(int64_t err, int sh) noexcept {
        const int64_t bias = (err >> 63) & ((int64_t{1} << sh) - 1);
        const int64_t s = (err + bias) >> sh;
        return s != 0 ? s : static_cast<int64_t>(err > 0) - static_cast<int64_t>(err < 0);
    }
    // One smoothing step of err: 1/n while a class is cold, then 1/gain_div;
    // at least 1 ns toward the sample so the estimate does not stall short of
    // it.
    int64_t step(int64_t err, uint32_t n) const noexcept {
        const uint64_t div = n < p_.gain_div ? n : p_.gain_div;
        if (div != 0 && (div & (div - 1)) == 0) {
            // The default gain (8) and the cold counts 1, 2 and 4: a shift
            // instead of a 64-bit divide.
            return shift_step(err, __builtin_ctzll(div));
        }
        const int64_t s = err / static_cast<int64_t>(div == 0 ? 1 : div);
        if (s != 0 || err == 0) {
            return s;
        }
        return err > 0 ? 1 : -1;
    }
    void update_advance(Class &k, uint32_t c) const noexcept {
        const uint64_t a = k.mean_ns + k.dev_ns * p_.dev_pct / 100;
        k.advance_ns = a < floor_[c] ? floor_[c] : a > cap_[c] ? cap_[c] : a;
    }

    LatenessParams p_;
    Class cls_[kClasses];
    // Fixed by the params, computed once instead of per wait: log2(gain_div)
    // and log2(probe_div) when they are powers of two (else -1); per class cap_ns(c), the lowest
    // advance (min_ns unless the cap is lower), whether a cap of the class's
    // own span can pin it, and 15/16 of that cap times 16 (see pinned).
    int gain_shift_ = -1;
    int probe_shift_ = -1;
    uint64_t cap_[kClasses];
    uint64_t floor_[kClasses];
    uint64_t pin_mean16_[kClasses];
    bool pinnable_[kClasses];
};

}  // namespace wfisleep
