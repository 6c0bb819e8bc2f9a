// seed_policy.cc - the seed policy's per-call rules (a: work, b: activity gap, c: streak, d: tier).
#include "policy/seed_policy.h"

namespace wfisleep {
namespace {

uint64_t add_sat(uint64_t a, uint64_t b) noexcept {
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

}  // namespace

SeedPolicy::SeedPolicy(const SeedParams &params, uint64_t created_ns) noexcept
    : max_us_(params.max_us),
      grace_ns_(params.grace_ms * 1000000ULL),  // grace_ms <= 600000: no overflow
      created_ns_(created_ns),
      strict_(params.strict) {}

uint64_t SeedPolicy::sleep_for_streak(uint64_t max_us, uint64_t streak) noexcept {
    // Percent of the max per streak tier; max_us * 1000 * pct / 100 ns.
    uint64_t pct = 0;
    if (streak >= 501) {
        pct = 100;
    } else if (streak >= 201) {
        pct = 50;
    } else if (streak >= 101) {
        pct = 25;
    } else if (streak >= 51) {
        pct = 10;
    }
    return max_us * 10 * pct;  // max_us <= 10000: no overflow
}

wfisleep_plan SeedPolicy::plan(uint64_t now_ns, bool has_work) noexcept {
    wfisleep_plan p{0, 0, 0, strict_ ? 1 : 0};
    // t before prev_end counts as a gap of 0.
    const uint64_t gap = now_ns > prev_end_ns_ ? now_ns - prev_end_ns_ : 0;
    if (has_work || !has_prev_ || gap >= kActivityGapNs) {
        // a: the guest has work; b: first call, or the guest ran for 1 ms
        // or more (activity). Either way: no sleep.
        streak_ = 0;
    } else {
        // c: rapid. Inside the boot grace (t before creation counts as
        // inside) the streak stays 0.
        const bool in_grace = now_ns < created_ns_ || now_ns - created_ns_ < grace_ns_;
        if (in_grace) {
            streak_ = 0;
        } else if (streak_ != UINT64_MAX) {
            ++streak_;  // saturates, never wraps
        }
        p.sleep_ns = sleep_for_streak(max_us_, streak_);  // d
    }
    has_prev_ = true;
    prev_end_ns_ = add_sat(now_ns, p.sleep_ns);
    return p;
}

void SeedPolicy::set_state_for_testing(uint64_t streak, uint64_t prev_end_ns) noexcept {
    streak_ = streak;
    prev_end_ns_ = prev_end_ns;
    has_prev_ = true;
}

}  // namespace wfisleep
