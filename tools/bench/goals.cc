// goals.cc - G1-G6 as checks on paired blocks against baselines from the same run, Holm within a
// goal.
#include "goals.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "intervals.h"
#include "scenario_match.h"

namespace wfisbench {

const char *verdict_text(Verdict v) {
    switch (v) {
        case Verdict::kMet:
            return "met";
        case Verdict::kNotMet:
            return "not met";
        case Verdict::kInconclusive:
            return "inconclusive";
        case Verdict::kNotEvaluated:
            return "not evaluated";
    }
    return "?";
}

const char *verdict_label(Verdict v) {
    return v == Verdict::kNotMet ? "NOT met" : verdict_text(v);
}

Verdict judge(const std::optional<double> &lo, const std::optional<double> &hi,
              const std::string &op, double bound) {
    if (!lo || !hi) return Verdict::kInconclusive;
    if (op == "<=") {
        if (*hi <= bound) return Verdict::kMet;
        if (*lo > bound) return Verdict::kNotMet;
    } else {
        if (*lo >= bound) return Verdict::kMet;
        if (*hi < bound) return Verdict::kNotMet;
    }
    return Verdict::kInconclusive;
}

Verdict combine(const std::vector<GoalCheck> &checks, const std::vector<std::string> &missing) {
    if (!missing.empty()) return Verdict::kNotEvaluated;
    bool all = true, any = false;
    for (const auto &c : checks) {
        if (!c.not_evaluated.empty()) continue;
        any = true;
        if (c.verdict == Verdict::kNotMet) return Verdict::kNotMet;
        all = all && c.verdict == Verdict::kMet;
    }
    if (!any) return Verdict::kNotEvaluated;
    return all ? Verdict::kMet : Verdict::kInconclusive;
}

int min_blocks_for(int checks, double alpha) {
    const double level = alpha / std::max(checks, 1);
    int n = 1;
    while (std::ldexp(1.0, -n) > level) n++;
    return n;
}

void holm(const std::vector<double> &p, double alpha, std::vector<bool> *rejected,
          std::vector<double> *level) {
    const size_t m = p.size();
    rejected->assign(m, false);
    level->assign(m, alpha);
    std::vector<size_t> order(m);
    for (size_t i = 0; i < m; i++) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
    bool stopped = false;
    double stop_level = alpha;
    for (size_t r = 0; r < m; r++) {
        const size_t i = order[r];
        const double t = alpha / static_cast<double>(m - r);
        if (!stopped && p[i] <= t) {
            (*rejected)[i] = true;
            (*level)[i] = t;
            continue;
        }
        // Once one is not rejected none after it is; each keeps the level
        // it stopped at (its p exceeds it, since p is sorted).
        if (!stopped) stop_level = t;
        stopped = true;
        (*level)[i] = stop_level;
    }
}

int goals_exit_status(const std::vector<GoalResult> &goals) {
    bool unsure = false;
    for (const auto &g : goals) {
        if (g.verdict == Verdict::kNotMet) return 3;
        unsure = unsure || g.verdict == Verdict::kInconclusive;
    }
    return unsure ? 4 : 0;
}

namespace {

// The one scenario among the groups that is `spec` on every key (its vCPU
// count too); "" with *why set when none is, or when two differently
// written scenarios both are (which would be judged is then a guess).
std::string find_scenario(const std::vector<Group> &groups, const std::string &spec, int vcpus,
                          std::string *why) {
    std::string found;
    for (const auto &g : groups) {
        if (g.vcpus != vcpus || !same_scenario(g.scenario, spec) || g.scenario == found) continue;
        if (!found.empty()) {
            *why = fmt::format("scenarios '{}' and '{}' both are {}; run one", found, g.scenario,
                               spec);
            return {};
        }
        found = g.scenario;
    }
    if (found.empty()) *why = fmt::format("scenario {} at {} vCPU(s) not in this run", spec, vcpus);
    return found;
}

int block_count(const std::vector<Group> &groups) {
    int k = 0;
    for (const auto &g : groups)
        for (const auto &bs : g.blocks)
            for (int b : bs) k = std::max(k, b + 1);
    return k;
}

// One figure per block (nullopt: that block has none).
using Series = std::vector<std::optional<double>>;

// A check of G1-G5, waiting for its goal's Holm procedure.
struct Pending {
    size_t index = 0;       // into goal.checks
    std::vector<double> x;  // per block: log(ratio / bound), or level - bound
    bool log = false;
};

// Builds one goal's checks; records what is missing.
struct Ctx {
    const std::vector<Group> &groups;
    GoalResult &goal;
    int blocks;
    std::vector<Pending> pending;

    const Group *group(const std::string &scenario, const std::string &gov) {
        const Group *g = find_group(groups, scenario, gov);
        if (!g || g->ok_runs == 0) {
            goal.missing.push_back(fmt::format("no completed '{}' runs on {}", gov, scenario));
            return nullptr;
        }
        if (g->backend == Backend::kSimulated) goal.simulated = true;
        return g;
    }
    Series per_block(const Group &g, Metric m) const {
        Series v;
        v.reserve(static_cast<size_t>(blocks));
        for (int b = 0; b < blocks; b++) v.push_back(g.in_block(m, b));
        return v;
    }
    // a's metric over b's, paired by block (a and b may be different scenarios).
    Series ratio_of(const Group &a, Metric ma, const Group &b, Metric mb) const {
        return paired_ratios(per_block(a, ma), per_block(b, mb));
    }
    // Per block the worse of several figures for a bound `op` (<=: the
    // larger); a block missing any of them is left out, its worst unknown.
    static Series worse(const std::vector<Series> &all, const std::string &op) {
        Series v = all.front();
        for (size_t s = 1; s < all.size(); s++)
            for (size_t b = 0; b < v.size(); b++) {
                if (!v[b] || b >= all[s].size() || !all[s][b]) {
                    v[b] = std::nullopt;
                    continue;
                }
                v[b] = op == "<=" ? std::max(*v[b], *all[s][b]) : std::min(*v[b], *all[s][b]);
            }
        return v;
    }
    // A G1-G5 check; judged in finish().
    void check(const std::string &name, const Series &v, const std::string &op, double bound,
               bool is_ratio) {
        Pending p;
        p.log = is_ratio;
        for (const auto &x : v) {
            if (!x || (is_ratio && *x <= 0)) continue;
            p.x.push_back(is_ratio ? std::log(*x) - std::log(bound) : *x - bound);
        }
        if (p.x.empty()) {
            goal.missing.push_back("no value for " + name);
            return;
        }
        GoalCheck c;
        c.name = name;
        c.op = op;
        c.bound = bound;
        c.pairs = static_cast<int>(p.x.size());
        p.index = goal.checks.size();
        goal.checks.push_back(c);
        pending.push_back(std::move(p));
    }
    // A check left out on purpose, with the reason.
    void skip(const std::string &name, const std::string &op, double bound,
              const std::string &why) {
        GoalCheck c;
        c.name = name;
        c.op = op;
        c.bound = bound;
        c.not_evaluated = why;
        goal.checks.push_back(c);
    }
    // Holm over the goal's checks, each side at kGoalAlpha; the printed
    // interval at the level of the side the estimate lies on.
    void finish() {
        std::vector<double> p_met, p_not;
        for (const auto &p : pending) {
            const GoalCheck &c = goal.checks[p.index];
            const SignedRankP sr = signed_rank_p(p.x);
            p_met.push_back(c.op == "<=" ? sr.below_incl : sr.above_incl);
            p_not.push_back(c.op == "<=" ? sr.above_excl : sr.below_excl);
        }
        std::vector<bool> met, not_met;
        std::vector<double> level_met, level_not;
        holm(p_met, kGoalAlpha, &met, &level_met);
        holm(p_not, kGoalAlpha, &not_met, &level_not);
        for (size_t i = 0; i < pending.size(); i++) {
            const Pending &p = pending[i];
            GoalCheck &c = goal.checks[p.index];
            c.p_met = p_met[i];
            c.p_not_met = p_not[i];
            c.verdict = met[i]       ? Verdict::kMet
                        : not_met[i] ? Verdict::kNotMet
                                     : Verdict::kInconclusive;
            const double centre = location_interval_at(p.x, 0.025)->point;
            const bool good = c.op == "<=" ? centre <= 0 : centre >= 0;
            const double level = good ? level_met[i] : level_not[i];
            auto iv = location_interval_at(p.x, level);
            auto back = [&](double x) {
                return p.log ? std::exp(x + std::log(c.bound)) : x + c.bound;
            };
            c.value = back(iv->point);
            c.coverage = 1.0 - 2.0 * level;
            if (iv->low && iv->high) {
                c.ci_low = back(*iv->low);
                c.ci_high = back(*iv->high);
            }
        }
        pending.clear();
    }
    // G6's checks: the 95% interval, unadjusted (the rule it was set under).
    void add(const std::string &name, const std::optional<Interval> &iv, const std::string &op,
             double bound) {
        if (!iv) {
            goal.missing.push_back("no value for " + name);
            return;
        }
        GoalCheck c;
        c.name = name;
        c.value = iv->point;
        c.ci_low = iv->low;
        c.ci_high = iv->high;
        c.pairs = iv->n;
        c.op = op;
        c.bound = bound;
        c.verdict = judge(c.ci_low, c.ci_high, op, bound);
        goal.checks.push_back(c);
    }
    std::optional<Interval> ratio(const Group &a, Metric ma, const Group &b, Metric mb) const {
        return ratio_interval(per_block(a, ma), per_block(b, mb));
    }
    // A reference figure: g's metric per block, its 95% location interval.
    void info(const std::string &name, const Group &g, Metric m) {
        std::vector<double> v;
        for (const auto &x : per_block(g, m))
            if (x) v.push_back(*x);
        if (auto iv = location_interval(v))
            goal.info.push_back({name, iv->point, iv->low, iv->high});
    }
    // The guest-observed figure of adaptive beside off's in the same blocks:
    // the VM exit/injection/entry path is in both, off's is that floor.
    void floor_info(const std::string &scenario, const Group &a, const Group &off, Metric m) {
        info(fmt::format("adaptive's {} on {}", metric_label(m), scenario), a, m);
        info(fmt::format("off's (the test bed's floor) {} on {}", metric_label(m), scenario), off,
             m);
    }
};

GoalResult make_goal(const char *id, std::string title, int checks) {
    GoalResult g;
    g.id = id;
    g.title = std::move(title);
    g.min_blocks = min_blocks_for(checks);
    return g;
}

// G1: the governor's own return and CPU on the Linux host timer, idle at
// 1 kHz and 250 Hz, each block judged on the worse of the two.
void g1(Ctx &c, const std::string &fast, const std::string &slow) {
    const Group *a1 = c.group(fast, "adaptive"), *d1 = c.group(fast, "deadline"),
                *o1 = c.group(fast, "off");
    const Group *a2 = c.group(slow, "adaptive"), *d2 = c.group(slow, "deadline"),
                *o2 = c.group(slow, "off");
    if (!a1 || !d1 || !o1 || !a2 || !d2 || !o2) return;
    c.check("adaptive's own return p50 us (worse of the two)",
            Ctx::worse(
                {c.per_block(*a1, Metric::kGovReturnP50), c.per_block(*a2, Metric::kGovReturnP50)},
                "<="),
            "<=", 2.0, false);
    auto both = [&](Metric m, const Group &x1, const Group &x2) {
        return Ctx::worse({c.ratio_of(*a1, m, x1, m), c.ratio_of(*a2, m, x2, m)}, "<=");
    };
    c.check("adaptive / deadline own return p99 (worse of the two)",
            both(Metric::kGovReturnP99, *d1, *d2), "<=", 0.25, true);
    c.check("adaptive / deadline workload CPU % (worse of the two)",
            both(Metric::kWorkloadCpu, *d1, *d2), "<=", 1.03, true);
    c.check("adaptive / off guest timer lateness p50 (worse of the two)",
            both(Metric::kLateP50, *o1, *o2), "<=", 1.0, true);
    c.floor_info(fast, *a1, *o1, Metric::kLateP99);
    c.floor_info(slow, *a2, *o2, Metric::kLateP99);
}

// G2: under the macOS host-timer model, each law of the run's family; each
// block judged on the worst law.
void g2(Ctx &c, const std::vector<std::string> &laws) {
    std::vector<Series> p90, p99, cpu;
    for (const auto &law : laws) {
        const Group *a = c.group(law, "adaptive"), *d = c.group(law, "deadline");
        if (!a || !d) continue;
        p90.push_back(c.ratio_of(*a, Metric::kGovReturnP90, *d, Metric::kGovReturnP90));
        p99.push_back(c.ratio_of(*a, Metric::kGovReturnP99, *d, Metric::kGovReturnP99));
        cpu.push_back(c.ratio_of(*a, Metric::kWorkloadCpu, *d, Metric::kWorkloadCpu));
        if (const Group *o = find_group(c.groups, law, "off"))
            c.floor_info(law, *a, *o, Metric::kLateP50);
    }
    if (!c.goal.missing.empty()) return;
    c.check("adaptive / deadline own return p90 (worst law)", Ctx::worse(p90, "<="), "<=", 0.1,
            true);
    c.check("adaptive / deadline own return p99 (worst law)", Ctx::worse(p99, "<="), "<=", 0.25,
            true);
    c.check("adaptive / deadline workload CPU % (worst law)", Ctx::worse(cpu, "<="), "<=", 1.10,
            true);
}

// G3: kicks. Pingpong against the better of deadline and kvm-haltpoll per
// block; burst against off.
void g3(Ctx &c, const std::string &pp, const std::string &burst) {
    const Group *a = c.group(pp, "adaptive"), *d = c.group(pp, "deadline"),
                *k = c.group(pp, "kvm-haltpoll");
    const Group *ba = c.group(burst, "adaptive"), *bo = c.group(burst, "off");
    if (!a || !d || !k || !ba || !bo) return;
    // Over the better of the two per block: the larger of the two ratios.
    const Series best = Ctx::worse({c.ratio_of(*a, Metric::kWakeP50, *d, Metric::kWakeP50),
                                    c.ratio_of(*a, Metric::kWakeP50, *k, Metric::kWakeP50)},
                                   "<=");
    c.check("adaptive / min(deadline, kvm-haltpoll) wake p50 on pingpong", best, "<=", 1.05, true);
    c.check("adaptive / deadline workload CPU % on pingpong",
            c.ratio_of(*a, Metric::kWorkloadCpu, *d, Metric::kWorkloadCpu), "<=", 1.05, true);
    c.check("adaptive / off wake p50 on burst",
            c.ratio_of(*ba, Metric::kWakeP50, *bo, Metric::kWakeP50), "<=", 1.10, true);
    c.check("adaptive / off workload CPU % on burst",
            c.ratio_of(*ba, Metric::kWorkloadCpu, *bo, Metric::kWorkloadCpu), "<=", 0.5, true);
    if (const Group *o = find_group(c.groups, pp, "off"))
        c.floor_info(pp, *a, *o, Metric::kLateP50);
}

// G4: the busy vCPU's rate beside three ticking siblings on 2 cores.
void g4(Ctx &c, const std::string &crowded, const std::string &idle250) {
    const Group *a = c.group(crowded, "adaptive"), *a0 = c.group(idle250, "adaptive");
    const Group *d = c.group(crowded, "deadline"), *k = c.group(crowded, "kvm-haltpoll");
    if (!a || !a0 || !d || !k) return;
    for (const Group *x : {d, k}) {
        const std::string name = "adaptive / " + x->governor + " busy work rate";
        // A governor that serves the siblings' ticks much later (or sooner)
        // than adaptive leaves the busy vCPU more (or less) CPU: its rate is
        // then no fair comparison.
        auto sib = ratio_interval(c.per_block(*x, Metric::kSiblingP50),
                                  c.per_block(*a, Metric::kSiblingP50));
        if (!sib) {
            c.skip(name, ">=", 0.95, "no idle-sibling lateness to compare");
        } else if (sib->point > 1.2 || sib->point < 1 / 1.2) {
            c.skip(name, ">=", 0.95,
                   fmt::format("{}'s idle siblings' lateness p50 is {:.2f} x adaptive's, not "
                               "within 1.2 x: the rates are not comparable",
                               x->governor, sib->point));
        } else {
            c.check(name, c.ratio_of(*a, Metric::kWorkRate, *x, Metric::kWorkRate), ">=", 0.95,
                    true);
        }
    }
    c.check("adaptive's spin per wake here / its own on " + idle250 + " (1 vCPU)",
            c.ratio_of(*a, Metric::kSpinPerWake, *a0, Metric::kSpinPerWake), "<=", 1.0, true);
    if (const Group *o = find_group(c.groups, crowded, "off"))
        c.floor_info(crowded, *a, *o, Metric::kSiblingP50);
}

// G5: 8 vCPUs on 2 cores, idle at 250 Hz; with `pair` (--full), also two
// 4-vCPU VMs side by side.
void g5(Ctx &c, const std::string &wide, const std::string &one, const std::string &pair) {
    const Group *a = c.group(wide, "adaptive"), *d = c.group(wide, "deadline"),
                *a0 = c.group(one, "adaptive");
    if (!a || !d || !a0) return;
    c.check("adaptive's spin per wake at 8 vCPUs / its own at 1 vCPU",
            c.ratio_of(*a, Metric::kSpinPerWake, *a0, Metric::kSpinPerWake), "<=", 1.2, true);
    c.check("adaptive / deadline guest timer lateness p99",
            c.ratio_of(*a, Metric::kLateP99, *d, Metric::kLateP99), "<=", 1.1, true);
    c.check("adaptive / deadline workload CPU %",
            c.ratio_of(*a, Metric::kWorkloadCpu, *d, Metric::kWorkloadCpu), "<=", 1.05, true);
    if (!pair.empty())
        if (const Group *p = c.group(pair, "adaptive"))
            c.check("adaptive's spin per wake at 2 VMs x 4 vCPUs / its own at 1 vCPU",
                    c.ratio_of(*p, Metric::kSpinPerWake, *a0, Metric::kSpinPerWake), "<=", 1.2,
                    true);
    if (const Group *o = find_group(c.groups, wide, "off"))
        c.floor_info(wide, *a, *o, Metric::kLateP99);
}

// G6: real QEMU, cyclictest at 1 kHz on 1 vCPU. wfisleep's no-ppoll build
// halves upstream no-ppoll's p50 and p99 at no more than 1.15 x its CPU;
// the ppoll build is no worse than upstream ppoll at that CPU.
void g6(Ctx &c, const std::string &ct) {
    const std::string up_np = "qemu-tcg:upstream-noppoll",
                      wf_np = "qemu-tcg:wfisleep-noppoll:adaptive";
    const std::string up_p = "qemu-tcg:upstream-ppoll", wf_p = "qemu-tcg:wfisleep-ppoll:adaptive";
    const Group *a = c.group(ct, wf_np), *u = c.group(ct, up_np);
    const Group *b = c.group(ct, wf_p), *v = c.group(ct, up_p);
    if (a && u) {
        c.add("wfisleep-noppoll:adaptive / upstream-noppoll lateness p50",
              c.ratio(*a, Metric::kLateP50, *u, Metric::kLateP50), "<=", 0.5);
        c.add("wfisleep-noppoll:adaptive / upstream-noppoll lateness p99",
              c.ratio(*a, Metric::kLateP99, *u, Metric::kLateP99), "<=", 0.5);
        c.add("wfisleep-noppoll:adaptive / upstream-noppoll workload CPU %",
              c.ratio(*a, Metric::kWorkloadCpu, *u, Metric::kWorkloadCpu), "<=", 1.15);
    }
    if (b && v) {
        c.add("wfisleep-ppoll:adaptive / upstream-ppoll lateness p50",
              c.ratio(*b, Metric::kLateP50, *v, Metric::kLateP50), "<=", 1.0);
        c.add("wfisleep-ppoll:adaptive / upstream-ppoll workload CPU %",
              c.ratio(*b, Metric::kWorkloadCpu, *v, Metric::kWorkloadCpu), "<=", 1.15);
        if (auto iv = c.ratio(*b, Metric::kLateP99, *v, Metric::kLateP99))
            c.goal.info.push_back({"wfisleep-ppoll:adaptive / upstream-ppoll lateness p99",
                                   iv->point, iv->low, iv->high});
    }
}

}  // namespace

std::vector<GoalResult> evaluate_goals(const std::vector<Group> &groups, bool quick,
                                       const std::string &tcg_missing) {
    std::vector<GoalResult> out;
    const int blocks = block_count(groups);
    // Each goal names its scenarios exactly; a row that differs in any key
    // (another tick rate, kick pattern, host timer, vCPU count) is not it.
    auto scenario = [&](GoalResult &g, const char *spec, int vcpus) {
        std::string why;
        std::string s = find_scenario(groups, spec, vcpus, &why);
        if (s.empty()) g.missing.push_back(why);
        return s;
    };
    // The macOS-model family: every idle 1 kHz 1-vCPU row under host=macos,
    // whatever its law (permille, shape, window).
    std::vector<std::string> laws;
    for (const auto &gr : groups)
        if (gr.vcpus == 1 && same_but_host_law(gr.scenario, "idle:hz=1000,host=macos") &&
            std::find(laws.begin(), laws.end(), gr.scenario) == laws.end())
            laws.push_back(gr.scenario);
    {
        GoalResult g = make_goal(
            "G1",
            "idle 1 kHz and 250 Hz, Linux host timer, 1 vCPU, each block the worse of the two: "
            "adaptive's own return p50 <= 2 us and p99 <= 0.25 x deadline's; workload_cpu_pct "
            "<= 1.03 x deadline's; guest timer lateness p50 <= off's",
            4);
        Ctx c{groups, g, blocks, {}};
        auto fast = scenario(g, "idle:hz=1000", 1), slow = scenario(g, "idle:hz=250", 1);
        if (!fast.empty() && !slow.empty()) g1(c, fast, slow);
        c.finish();
        out.push_back(g);
    }
    {
        GoalResult g = make_goal(
            "G2",
            "idle 1 kHz under the macOS host-timer model, each block the worst of the run's "
            "laws: adaptive's own return p90 <= 0.1 x and p99 <= 0.25 x deadline's, at "
            "workload_cpu_pct <= 1.10 x deadline's",
            3);
        Ctx c{groups, g, blocks, {}};
        if (laws.empty())
            g.missing.push_back("no idle:hz=1000,host=macos scenario at 1 vCPU in this run");
        else
            g2(c, laws);
        c.finish();
        out.push_back(g);
    }
    {
        GoalResult g = make_goal(
            "G3",
            "QEMU-style kicks: pingpong 2 kHz with a 250 Hz tick, adaptive's wake p50 <= 1.05 x "
            "min(deadline, kvm-haltpoll) per block at workload_cpu_pct <= 1.05 x deadline's; "
            "burst 16 x 20 us, wake p50 <= 1.10 x off's at workload_cpu_pct <= 0.5 x off's",
            4);
        Ctx c{groups, g, blocks, {}};
        auto pp = scenario(g, "pingpong:rate=2000,hz=250,kicks=qemu", 1);
        auto burst = scenario(g, "burst:len=16,think_us=20,kicks=qemu", 1);
        if (!pp.empty() && !burst.empty()) g3(c, pp, burst);
        c.finish();
        out.push_back(g);
    }
    {
        GoalResult g = make_goal(
            "G4",
            "compute, 1 busy + 3 idle vCPUs on 2 cores: adaptive's busy work rate >= 0.95 x "
            "deadline's and >= 0.95 x kvm-haltpoll's (each only when that governor's idle "
            "siblings' lateness p50 is within 1.2 x adaptive's); adaptive's spin per wake <= "
            "its own on idle:hz=250 at 1 vCPU",
            3);
        Ctx c{groups, g, blocks, {}};
        auto crowded = scenario(g, "compute:busy=1,idle=3", 4);
        auto slow = scenario(g, "idle:hz=250", 1);
        if (!crowded.empty() && !slow.empty()) g4(c, crowded, slow);
        c.finish();
        out.push_back(g);
    }
    {
        // Two 4-vCPU VMs side by side (--full): a fourth check when the run has them.
        std::string no_pair;
        const std::string pair = find_scenario(groups, "idle:hz=250,vms=2", 4, &no_pair);
        GoalResult g = make_goal(
            "G5",
            std::string("idle 250 Hz at 8 vCPUs on 2 cores: adaptive's spin per wake <= 1.2 x "
                        "its own at 1 vCPU; guest timer lateness p99 <= 1.1 x deadline's; "
                        "workload_cpu_pct <= 1.05 x deadline's") +
                (pair.empty() ? ""
                              : "; two 4-vCPU VMs side by side: spin per wake <= 1.2 x "
                                "its own at 1 vCPU"),
            pair.empty() ? 3 : 4);
        Ctx c{groups, g, blocks, {}};
        auto wide = scenario(g, "idle:hz=250", 8), one = scenario(g, "idle:hz=250", 1);
        if (!wide.empty() && !one.empty()) g5(c, wide, one, pair);
        c.finish();
        out.push_back(g);
    }
    {
        GoalResult g = make_goal(
            "G6",
            "real QEMU 10.2 (TCG, arm64 Linux guest), cyclictest 1 kHz, 1 vCPU: "
            "wfisleep-noppoll:adaptive's lateness p50 and p99 <= 0.5 x upstream-noppoll's at "
            "workload_cpu_pct <= 1.15 x its; wfisleep-ppoll:adaptive's p50 <= 1.0 x "
            "upstream-ppoll's at workload_cpu_pct <= 1.15 x its",
            1);
        // Its checks keep the unadjusted 95% rule: a two-sided interval needs 2^-n <= 2.5%.
        g.min_blocks = min_blocks_for(1, 0.025);
        // The real-QEMU rows run in the first blocks only: their own count.
        int tcg_blocks = 0;
        for (const auto &gr : groups)
            if (gr.backend == Backend::kQemuTcg)
                for (const auto &bs : gr.blocks)
                    for (int b : bs) tcg_blocks = std::max(tcg_blocks, b + 1);
        g.blocks = tcg_blocks;
        Ctx c{groups, g, tcg_blocks > 0 ? tcg_blocks : blocks, {}};
        if (!tcg_missing.empty()) {
            g.missing.push_back(tcg_missing);
        } else if (auto ct = scenario(g, "linux-cyclictest:hz=1000,threads=1", 1); !ct.empty()) {
            g6(c, ct);
        }
        out.push_back(g);
    }
    for (auto &g : out) {
        if (g.id != "G6" || g.blocks == 0) g.blocks = blocks;
        if (quick) {
            g.quick = true;
            g.missing.insert(g.missing.begin(), "quick run (--quick): no intervals");
            for (auto &ch : g.checks) {
                ch.ci_low = ch.ci_high = std::nullopt;
                ch.verdict = Verdict::kNotEvaluated;
            }
        }
        g.verdict = combine(g.checks, g.missing);
    }
    return out;
}

}  // namespace wfisbench
