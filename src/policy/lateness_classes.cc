// lateness_classes.cc - per-length oversleep estimates: cold-start averaging, smoothing, outliers.
#include "policy/lateness_classes.h"

#include <algorithm>

namespace wfisleep {
namespace {

// Samples averaged equally before the steady-state gain takes over; also
// how many a class needs before outliers are judged against it.
constexpr uint32_t kColdSamples = 4;

}  // namespace

LatenessClasses::LatenessClasses(const LatenessParams &p) noexcept : p_(p), cls_{} {
    if (p_.gain_div == 0) {
        p_.gain_div = 1;
    }
    if (p_.probe_div == 0) {
        p_.probe_div = 1;
    }
    p_.outlier_run = std::clamp<uint64_t>(p_.outlier_run, 1, UINT16_MAX);
    p_.outlier_pct = std::clamp<uint64_t>(p_.outlier_pct, 0, 100000);
    p_.min_ns = std::clamp<uint64_t>(p_.min_ns, 0, p_.max_ns);
    const uint64_t init = std::clamp<uint64_t>(p_.init_ns, p_.min_ns, p_.max_ns);
    for (uint32_t c = 0; c < kClasses; ++c) {
        cls_[c].mean_ns = init;
        update_advance(cls_[c], c);
    }
}

// One smoothing step of err: 1/n while a class is cold, then 1/gain_div; at
// least 1 ns toward the sample so the estimate does not stall short of it.
int64_t LatenessClasses::step(int64_t err, uint32_t n) const noexcept {
    const uint64_t div = n < p_.gain_div ? n : p_.gain_div;
    int64_t s = 0;
    if (div != 0 && (div & (div - 1)) == 0) {
        // The default gain (8) and the cold counts 1, 2 and 4: a shift
        // instead of a 64-bit divide, which is most of done2's cost.
        const int sh = __builtin_ctzll(div);
        s = err >= 0 ? err >> sh : -((-err) >> sh);
    } else {
        s = err / static_cast<int64_t>(div == 0 ? 1 : div);
    }
    if (s != 0 || err == 0) {
        return s;
    }
    return err > 0 ? 1 : -1;
}

void LatenessClasses::update_advance(Class &k, uint32_t c) const noexcept {
    const uint64_t cap = cap_ns(c);
    k.advance_ns = std::clamp<uint64_t>(k.mean_ns + k.dev_ns * p_.dev_pct / 100,
                                        p_.min_ns < cap ? p_.min_ns : cap, cap);
}

uint64_t LatenessClasses::outlier_bound_ns(uint32_t c) const noexcept {
    const uint64_t adv = cls_[c < kClasses ? c : kClasses - 1].advance_ns;
    // advance <= 1 s and pct <= 100000: no overflow.
    const uint64_t rel = p_.outlier_pct == 0 ? p_.outlier_ns : adv * p_.outlier_pct / 100;
    const uint64_t margin = rel < p_.outlier_ns ? rel : p_.outlier_ns;
    return adv > UINT64_MAX - margin ? UINT64_MAX : adv + margin;
}

void LatenessClasses::learn(uint32_t c, uint64_t oversleep_ns) noexcept {
    if (c >= kClasses) {
        c = kClasses - 1;
    }
    Class &k = cls_[c];
    // The class's own bound: far above what it has seen is an outlier (a
    // preemption, a host hiccup) until it keeps happening.
    if (k.n >= kColdSamples && oversleep_ns > outlier_bound_ns(c)) {
        if (++k.outlier_run < p_.outlier_run) {
            return;
        }
    }
    k.outlier_run = 0;
    if (k.n < UINT32_MAX) {
        ++k.n;
    }
    const uint64_t cap = cap_ns(c);
    const uint64_t o = oversleep_ns < cap ? oversleep_ns : cap;
    // Both values are <= 1 s, so the signed arithmetic cannot overflow.
    const int64_t err = static_cast<int64_t>(o) - static_cast<int64_t>(k.mean_ns);
    const int64_t abs_err = err < 0 ? -err : err;
    k.mean_ns = static_cast<uint64_t>(static_cast<int64_t>(k.mean_ns) + step(err, k.n));
    if (k.n == 1) {
        k.dev_ns = 0;  // the cold start value was a guess, not a deviation
    } else {
        k.dev_ns = static_cast<uint64_t>(static_cast<int64_t>(k.dev_ns) +
                                         step(abs_err - static_cast<int64_t>(k.dev_ns), k.n - 1));
    }
    update_advance(k, c);
}

void LatenessClasses::probe_down(uint32_t c) noexcept {
    if (c >= kClasses) {
        c = kClasses - 1;
    }
    Class &k = cls_[c];
    k.mean_ns -= k.mean_ns / p_.probe_div;
    update_advance(k, c);
}

}  // namespace wfisleep
