// lateness_classes.cc - the estimator's setup: params repaired, per-class caps computed once.
#include "policy/lateness_classes.h"

#include <algorithm>

namespace wfisleep {

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
    if ((p_.gain_div & (p_.gain_div - 1)) == 0) {
        gain_shift_ = __builtin_ctzll(p_.gain_div);
    }
    if ((p_.probe_div & (p_.probe_div - 1)) == 0) {
        probe_shift_ = __builtin_ctzll(p_.probe_div);
    }
    for (uint32_t c = 0; c < kClasses; ++c) {
        cap_[c] = cap_ns(c);
        pinnable_[c] = c < kClasses - 1 && edge_cap_ns(c) <= p_.max_ns;
        pin_mean16_[c] = edge_cap_ns(c) * 15;
        floor_[c] = p_.min_ns < cap_[c] ? p_.min_ns : cap_[c];
        cls_[c].mean_ns = init;
        update_advance(cls_[c], c);
    }
}

}  // namespace wfisleep
