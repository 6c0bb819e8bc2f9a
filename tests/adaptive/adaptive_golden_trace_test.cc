// adaptive_golden_trace_test.cc - pins every adaptive decision: a digest of 100k plans and stats.
//
// The digests below pin behaviour. They were computed by the code as it was
// before the hot path was optimised (commit "tests: golden trace of the
// adaptive policy"), and an optimisation must keep them: every plan phase,
// learned advance and stats counter bit-identical. Change a digest only with
// a deliberate behaviour change, and say so in that commit.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdint>
#include <cstring>
#include <variant>

#include "policy/adaptive_policy.h"
#include "vcpu.h"
#include "wfisleep/wfisleep.h"

namespace {

using wfisleep::AdaptivePolicy;
using wfisleep::LatenessClasses;

// splitmix64: fixed across standard libraries (std distributions are not).
struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return next() % n; }
    bool one_in(uint64_t n) { return below(n) == 0; }
};

// FNV-1a over 64-bit words.
struct Digest {
    uint64_t h = 0xcbf29ce484222325ULL;
    void add(uint64_t v) {
        for (int i = 0; i < 8; ++i) {
            h ^= (v >> (8 * i)) & 0xff;
            h *= 0x100000001b3ULL;
        }
    }
};

// What the trace went through, so a digest cannot pass on a trace that
// skips a feature.
struct Coverage {
    uint64_t second_sleeps = 0;    // plans with two sleep phases
    uint64_t pinned_spins = 0;     // plans spun whole because their class was pinned
    uint64_t outliers = 0;         // samples above their class's outlier bound
    uint64_t contended_plans = 0;  // plans made while the gate was closed
    uint64_t gate_reopened = 0;    // closed -> open transitions
    uint64_t no_wake_times = 0;    // waits reported without wake times
    uint64_t late_begins = 0;      // sleeps that began after their planned end
    uint64_t plans_01 = 0;         // 0.1 plan/done traps
    uint64_t poll_catches = 0;     // kicks that ended a wait in its poll phase
};

// The simulated host: a timer oversleep per sleep length that changes with
// the regime (every 10k traps): quiet Linux-like, coalescing macOS-like,
// one with classes 2 and 5 late beyond their caps (pinned), and a
// contended one where busy waits are often preempted.
struct Host {
    Rng rng;
    uint32_t regime = 0;
    uint32_t outlier_burst = 0;

    uint64_t oversleep(uint64_t len) {
        const uint32_t c = LatenessClasses::class_of(len);
        uint64_t o = 3000 + rng.below(4000);
        if (regime % 4 == 1) {
            o += len / 10;  // coalescing grows with the length
        }
        if (regime % 4 == 2 && (c == 2 || c == 5)) {
            o += LatenessClasses::edge_cap_ns(c) * 2;  // late even at the cap
        }
        if (outlier_burst > 0) {
            --outlier_burst;
            o += 300000 + rng.below(2000000);
        } else if (rng.one_in(60)) {
            o += 300000 + rng.below(2000000);
            if (rng.one_in(8)) {
                outlier_burst = 5;  // a run long enough to be accepted
            }
        }
        return o;
    }
    bool contended() const { return regime % 4 == 3; }
};

void quiet_log(void * /*ctx*/, const char * /*line*/) {}

wfisleep_stats stats_of(const wfisleep_vcpu *v) {
    wfisleep_stats s{};
    s.size = sizeof s;
    wfisleep_vcpu_stats(v, &s);
    return s;
}

uint64_t random_span(Rng &rng) {
    const uint64_t e = 9 + rng.below(19);  // 512 ns .. 256 ms: every class
    return (uint64_t{1} << e) + rng.below(uint64_t{1} << e);
}

uint64_t trace_digest(const char *a, const char *b, uint64_t seed, uint32_t steps, Coverage &cov) {
    const char *vars[] = {"WFISLEEP_POLICY=adaptive", a, b, nullptr};
    wfisleep_set_log(quiet_log, nullptr);
    wfisleep_config *cfg = nullptr;
    EXPECT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, 0);
    const auto *pol = std::get_if<AdaptivePolicy>(&v->policy);
    EXPECT_NE(pol, nullptr);
    if (pol == nullptr) {
        return 0;
    }
    Host host{Rng{seed}};
    Rng &rng = host.rng;
    Digest d;
    uint64_t t = 1000000;
    bool was_contended = false;
    for (uint32_t i = 0; i < steps; ++i) {
        host.regime = i / 10000;
        const bool has_work = rng.one_in(25);
        uint64_t deadline = WFISLEEP_NO_DEADLINE;
        const uint64_t kind = rng.below(100);
        if (kind < 3) {
            deadline = t - rng.below(2);  // due now or already passed
        } else if (kind >= 7) {
            deadline = t + random_span(rng);
        }
        // The kick, if any: at the start, soon, somewhere in the wait, or none.
        const uint64_t kick_kind = rng.below(100);
        const bool kick_at_start = kick_kind < 2;
        uint64_t kick = UINT64_MAX;
        if (kick_at_start) {
            kick = t;
        } else if (kick_kind < 30) {
            kick = t + 1 + rng.below(60000);  // soon: what the poll window learns from
        } else if (kick_kind < 40 || deadline == WFISLEEP_NO_DEADLINE) {
            const uint64_t reach = deadline == WFISLEEP_NO_DEADLINE ? 200000 : deadline - t + 5000;
            kick = t + 1 + rng.below(reach < UINT64_MAX / 2 ? reach : 1000000);
        }
        if (pol->contended()) {
            ++cov.contended_plans;
        }
        if (rng.one_in(10)) {
            // The 0.1 pair: durations out, (end, kicked) back.
            ++cov.plans_01;
            const wfisleep_plan p = wfisleep_vcpu_plan(v, t, has_work ? 1 : 0, deadline);
            d.add(p.poll_ns);
            d.add(p.sleep_ns);
            d.add(p.spin_ns);
            d.add(static_cast<uint64_t>(p.strict));
            uint64_t end = t + p.poll_ns;
            if (p.sleep_ns == WFISLEEP_FOREVER) {
                end = kick;
            } else {
                if (p.sleep_ns > 0) {
                    end += p.sleep_ns + host.oversleep(p.sleep_ns + p.spin_ns);
                }
                const uint64_t due = t + p.poll_ns + p.sleep_ns + p.spin_ns;
                end = end > due ? end : due;
            }
            const bool kicked = kick < end;
            wfisleep_vcpu_done(v, kicked ? kick : end, kicked ? 1 : 0);
            t = (kicked ? kick : end) + 1 + rng.below(50000);
        } else {
            wfisleep_plan2 p{};
            p.size = sizeof p;
            d.add(static_cast<uint64_t>(wfisleep_vcpu_plan2(v, t, has_work ? 1 : 0, deadline, &p)));
            d.add(p.nphases);
            d.add(p.start_ns);
            uint32_t sleeps = 0;
            for (uint32_t k = 0; k < p.nphases; ++k) {
                d.add(p.phase[k].kind | uint64_t{p.phase[k].flags} << 32);
                d.add(p.phase[k].end_ns);
                sleeps += p.phase[k].kind == WFISLEEP_PHASE_SLEEP ? 1 : 0;
            }
            cov.second_sleeps += sleeps == 2 ? 1 : 0;
            if (deadline != WFISLEEP_NO_DEADLINE && deadline > t && !has_work && sleeps == 0 &&
                pol->classes().pinned(LatenessClasses::class_of(deadline - t))) {
                ++cov.pinned_spins;
            }
            // Run the phases against the host.
            wfisleep_outcome o{};
            o.size = sizeof o;
            const bool no_wake = rng.one_in(20);
            const bool no_begin = rng.one_in(10);
            const bool preempted = host.contended() ? rng.one_in(2) : rng.one_in(100);
            bool busy = false;
            uint64_t cur = t;
            o.ended_in = p.nphases;
            for (uint32_t k = 0; k < p.nphases; ++k) {
                const wfisleep_phase &ph = p.phase[k];
                if (ph.kind == WFISLEEP_PHASE_SLEEP && rng.one_in(50)) {
                    cur += 30000;  // the host stalled before the sleep began
                }
                o.begin_ns[k] = no_begin ? 0 : cur;
                if (kick <= cur) {
                    o.ended_in = k;
                    break;
                }
                if (ph.kind != WFISLEEP_PHASE_SLEEP) {
                    busy = true;
                    if (kick < ph.end_ns) {
                        o.ended_in = k;
                        cur = kick;
                        break;
                    }
                    cur = cur > ph.end_ns ? cur : ph.end_ns;
                    continue;
                }
                uint64_t wake = cur;
                if (ph.end_ns == WFISLEEP_FOREVER) {
                    wake = kick;
                } else if (cur < ph.end_ns) {
                    wake = ph.end_ns + host.oversleep(deadline - cur);
                    if (rng.one_in(8)) {
                        const uint64_t rd = rng.below(100000);
                        wake += rd;
                        o.run_delay_ns[k] = rng.one_in(4) ? 0 : rd;  // sometimes unmeasured
                    }
                } else {
                    ++cov.late_begins;
                }
                if (kick < wake) {
                    o.ended_in = k;
                    wake = kick;
                }
                o.wake_ns[k] = no_wake ? 0 : wake;
                cur = wake;
                if (o.ended_in == k) {
                    break;
                }
            }
            const bool kicked = o.ended_in < p.nphases;
            cov.poll_catches +=
                kicked && !kick_at_start && p.phase[o.ended_in].kind == WFISLEEP_PHASE_POLL ? 1 : 0;
            o.end_ns = cur;
            o.flags = (kicked ? WFISLEEP_OUTCOME_KICKED : 0u) |
                      (kicked && kick_at_start ? WFISLEEP_OUTCOME_KICK_AT_START : 0u);
            if (busy && preempted) {
                o.flags |= WFISLEEP_OUTCOME_PREEMPTED;
                o.preempted_ns = 40000;
            }
            cov.no_wake_times += no_wake ? 1 : 0;
            // Outliers: a sample of a warm class above its bound, as learned.
            if (!no_wake && !kicked && p.nphases > 0) {
                for (uint32_t k = 0; k < p.nphases; ++k) {
                    if (p.phase[k].kind == WFISLEEP_PHASE_SLEEP &&
                        p.phase[k].end_ns != WFISLEEP_FOREVER && o.wake_ns[k] > p.phase[k].end_ns) {
                        const uint32_t c = pol->last_class();
                        if (pol->classes().samples(c) >= 4 &&
                            o.wake_ns[k] - p.phase[k].end_ns > pol->classes().outlier_bound_ns(c)) {
                            ++cov.outliers;
                        }
                        break;
                    }
                }
            }
            wfisleep_vcpu_done2(v, &o);
            t = cur + 1 + rng.below(50000);
        }
        if (was_contended && !pol->contended()) {
            ++cov.gate_reopened;
        }
        was_contended = pol->contended();
        const wfisleep_stats s = stats_of(v);
        uint64_t words[sizeof s / 8];
        static_assert(sizeof s % 8 == 0, "stats hash as whole words");
        memcpy(words, &s, sizeof s);
        for (const uint64_t w : words) {
            d.add(w);
        }
    }
    for (uint32_t c = 0; c < LatenessClasses::kClasses; ++c) {
        EXPECT_GT(pol->classes().samples(c), 0u) << "class " << c << " never learned";
        d.add(pol->classes().mean_ns(c));
        d.add(pol->classes().dev_ns(c));
        d.add(pol->classes().samples(c));
    }
    const wfisleep_stats s = stats_of(v);
    EXPECT_GT(s.kicks, 0u);
    EXPECT_GT(s.late_wakes, 0u);
    EXPECT_GT(s.work_returns, 0u);
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
    wfisleep_set_log(nullptr, nullptr);
    return d.h;
}

void expect_covered(const Coverage &cov) {
    EXPECT_GT(cov.second_sleeps, 100u);
    EXPECT_GT(cov.pinned_spins, 10u);
    EXPECT_GT(cov.outliers, 100u);
    EXPECT_GT(cov.contended_plans, 100u);
    EXPECT_GT(cov.gate_reopened, 0u);
    EXPECT_GT(cov.no_wake_times, 100u);
    EXPECT_GT(cov.late_begins, 10u);
    EXPECT_GT(cov.plans_01, 100u);
    EXPECT_GT(cov.poll_catches, 100u);
}

struct Golden {
    const char *a;
    const char *b;
    uint64_t seed;
    uint64_t digest;
};

// Defaults (the power-of-two gains), then divisors that take the division
// paths, a relative outlier bound off, a max_ns that holds classes down, and
// another power-of-two gain with a probe divisor that is not one.
constexpr Golden kGolden[] = {
    {nullptr, nullptr, 1, 0x929bbbefc8916cf9ULL},
    {"WFISLEEP_ADAPTIVE_ADVANCE_GAIN_DIV=6", "WFISLEEP_ADAPTIVE_ADVANCE_OUTLIER_PCT=0", 2,
     0xabadfe3ff1cb3610ULL},
    {"WFISLEEP_ADAPTIVE_ADVANCE_MAX_NS=300000", "WFISLEEP_ADAPTIVE_PINNED_PROBE_DIV=5", 3,
     0xf3b67f0d7450c378ULL},
    {"WFISLEEP_ADAPTIVE_ADVANCE_GAIN_DIV=16", "WFISLEEP_ADAPTIVE_ADVANCE_PROBE_DIV=10", 4,
     0x052a8363ec852360ULL},
};

TEST(AdaptiveGoldenTrace, HundredThousandDecisionsAreBitIdentical) {
    for (const Golden &g : kGolden) {
        Coverage cov;
        const uint64_t got = trace_digest(g.a, g.b, g.seed, 100000, cov);
        EXPECT_EQ(got, g.digest) << "seed " << g.seed << ": digest 0x" << std::hex << got
                                 << " - a behaviour change (see the comment at the top)";
        expect_covered(cov);
        std::printf(
            "seed %" PRIu64 ": 2nd sleeps %" PRIu64 ", pinned spins %" PRIu64 ", outliers %" PRIu64
            ", contended plans %" PRIu64 ", reopened %" PRIu64 ", no wake %" PRIu64
            ", late begins %" PRIu64 ", 0.1 %" PRIu64 ", poll catches %" PRIu64 "\n",
            g.seed, cov.second_sleeps, cov.pinned_spins, cov.outliers, cov.contended_plans,
            cov.gate_reopened, cov.no_wake_times, cov.late_begins, cov.plans_01, cov.poll_catches);
    }
}

}  // namespace
