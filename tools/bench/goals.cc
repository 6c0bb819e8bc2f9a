// goals.cc - evaluates the four goals against baselines measured in the same run.
#include "goals.h"

#include <fmt/format.h>

#include <functional>

#include "spec.h"

namespace wfisbench {

const char *goal_status_text(GoalStatus s) {
    switch (s) {
        case GoalStatus::kMet:
            return "met";
        case GoalStatus::kNotMet:
            return "NOT met";
        case GoalStatus::kNotEvaluated:
            return "not evaluated";
    }
    return "?";
}

namespace {

using ScenarioPred = std::function<bool(const wfisvm::ScenarioSpec &, const Group &)>;

// The first scenario among the groups that matches `pred` (specs compared parsed,
// so "idle" and "idle:hz=1000" are the same scenario).
std::string find_scenario(const std::vector<Group> &groups, const ScenarioPred &pred) {
    for (const auto &g : groups) {
        wfisvm::ScenarioSpec s;
        std::string err;
        if (wfisvm::parse_scenario(g.scenario, &s, &err) && pred(s, g)) return g.scenario;
    }
    return {};
}

struct Ctx {
    const std::vector<Group> &groups;
    GoalResult &goal;
    // Median of a governor's metric in a scenario; records what is missing.
    std::optional<double> med(const std::string &scenario, const std::string &gov, Metric m) {
        const Group *g = find_group(groups, scenario, gov);
        std::optional<Range> r = g ? g->get(m) : std::nullopt;
        if (!r) {
            if (!goal.missing.empty()) goal.missing += "; ";
            goal.missing += fmt::format("no {} for '{}' on {}", metric_label(m), gov, scenario);
            return std::nullopt;
        }
        if (g->backend == Backend::kSimulated) goal.simulated = true;
        return r->median;
    }
    // value <= factor x ref (at_least: value >= factor x ref).
    void check(const std::string &what, std::optional<double> value, double factor,
               const std::string &ref_what, std::optional<double> ref, bool at_least = false) {
        if (!value || !ref) return;
        GoalCheck c;
        c.value = *value;
        c.reference = *ref;
        c.factor = factor;
        double limit = factor * *ref;
        c.pass = at_least ? *value >= limit : *value <= limit;
        std::string r = *ref > 0 ? fmt::format("{:.2f}", *value / *ref) : "n/a";
        c.text = fmt::format("{} {:.4g} {} {:.4g} x {} {:.4g} = {:.4g} (ratio {}): {}", what,
                             *value, at_least ? ">=" : "<=", factor, ref_what, *ref, limit, r,
                             c.pass ? "ok" : "NOT met");
        goal.checks.push_back(c);
    }
};

void finish(GoalResult &g) {
    if (!g.missing.empty()) {
        g.status = GoalStatus::kNotEvaluated;
        return;
    }
    bool all = !g.checks.empty();
    for (const auto &c : g.checks) all = all && c.pass;
    g.status = all ? GoalStatus::kMet : GoalStatus::kNotMet;
}

const char *kSeed = "seed:max_us=100";

GoalResult make_goal(int id, std::string title) {
    GoalResult g;
    g.id = id;
    g.title = std::move(title);
    return g;
}

}  // namespace

std::vector<GoalResult> evaluate_goals(const std::vector<Group> &groups) {
    std::vector<GoalResult> out;
    using W = wfisvm::Workload;
    const std::string idle = find_scenario(groups, [](const auto &s, const Group &g) {
        return s.workload == W::kIdle && s.hz == 1000 && g.vcpus == 1;
    });

    {  // 1. idle:hz=1000, 1 vCPU
        GoalResult g =
            make_goal(1,
                      "idle:hz=1000, 1 vCPU: adaptive CPU <= 1.15 x deadline and <= 0.35 x "
                      "seed:max_us=100; lateness p50 <= off's, p99 <= 1.5 x off's");
        if (idle.empty()) {
            g.missing = "scenario idle:hz=1000 at 1 vCPU not in this run";
        } else {
            Ctx c{groups, g};
            auto cpu = c.med(idle, "adaptive", Metric::kCpu);
            c.check("adaptive CPU %", cpu, 1.15, "deadline", c.med(idle, "deadline", Metric::kCpu));
            c.check("adaptive CPU %", cpu, 0.35, kSeed, c.med(idle, kSeed, Metric::kCpu));
            c.check("adaptive lateness p50 us", c.med(idle, "adaptive", Metric::kLateP50), 1.0,
                    "off", c.med(idle, "off", Metric::kLateP50));
            c.check("adaptive lateness p99 us", c.med(idle, "adaptive", Metric::kLateP99), 1.5,
                    "off", c.med(idle, "off", Metric::kLateP99));
        }
        finish(g);
        out.push_back(g);
    }
    {  // 2. pingpong:rate=2000
        GoalResult g =
            make_goal(2,
                      "pingpong:rate=2000: adaptive wake latency p50 <= 1.5 x off's, CPU <= "
                      "0.5 x off's");
        std::string pp = find_scenario(groups, [](const auto &s, const Group &) {
            return s.workload == W::kPingpong && s.rate == 2000;
        });
        if (pp.empty()) {
            g.missing = "scenario pingpong:rate=2000 not in this run";
        } else {
            Ctx c{groups, g};
            c.check("adaptive wake p50 us", c.med(pp, "adaptive", Metric::kWakeP50), 1.5, "off",
                    c.med(pp, "off", Metric::kWakeP50));
            c.check("adaptive CPU %", c.med(pp, "adaptive", Metric::kCpu), 0.5, "off",
                    c.med(pp, "off", Metric::kCpu));
        }
        finish(g);
        out.push_back(g);
    }
    {  // 3. compute:busy=1,idle=3 vs the solo baseline
        GoalResult g =
            make_goal(3,
                      "compute:busy=1,idle=3: busy work rate under adaptive >= 0.95 x the "
                      "rate with no idle siblings (compute:busy=1,idle=0); off and seed shown");
        std::string crowded = find_scenario(groups, [](const auto &s, const Group &) {
            return s.workload == W::kCompute && s.busy == 1 && s.idle == 3;
        });
        std::string solo = find_scenario(groups, [](const auto &s, const Group &) {
            return s.workload == W::kCompute && s.busy == 1 && s.idle == 0;
        });
        if (crowded.empty() || solo.empty()) {
            g.missing = "needs both compute:busy=1,idle=3 and compute:busy=1,idle=0 in this run";
        } else {
            // No idle sibling means no governor is involved: the baseline pools
            // every completed solo run on our VMM (all governors) for a steadier median.
            std::vector<double> pooled;
            for (const auto &gr : groups)
                if (gr.scenario == solo && !gr.peer) {
                    const auto &v = gr.values[static_cast<int>(Metric::kWorkRate)];
                    pooled.insert(pooled.end(), v.begin(), v.end());
                    if (gr.backend == Backend::kSimulated) g.simulated = true;
                }
            auto base = range_of(pooled);
            Ctx c{groups, g};
            if (!base) {
                g.missing = "no completed solo compute run";
            } else {
                std::optional<double> b = base->median;
                c.check("adaptive work/s", c.med(crowded, "adaptive", Metric::kWorkRate), 0.95,
                        "solo", b, true);
                // Reported alongside (not part of the goal): how off and seed fare.
                for (const char *other : {"off", kSeed}) {
                    const Group *og = find_group(groups, crowded, other);
                    auto r = og ? og->get(Metric::kWorkRate) : std::nullopt;
                    if (r)
                        g.checks.push_back(GoalCheck{
                            fmt::format("(for comparison) {} work/s {:.4g} = {:.2f} x solo", other,
                                        r->median, r->median / *b),
                            true, r->median, *b, 0, true});
                }
            }
        }
        finish(g);
        out.push_back(g);
    }
    {  // 4. against in-kernel KVM
        GoalResult g =
            make_goal(4,
                      "idle:hz=1000 vs in-kernel KVM: adaptive CPU and lateness p99 each <= "
                      "1.5 x inkernel's");
        if (idle.empty()) {
            g.missing = "scenario idle:hz=1000 at 1 vCPU not in this run";
        } else {
            Ctx c{groups, g};
            c.check("adaptive CPU %", c.med(idle, "adaptive", Metric::kCpu), 1.5, "inkernel",
                    c.med(idle, "inkernel", Metric::kCpu));
            c.check("adaptive lateness p99 us", c.med(idle, "adaptive", Metric::kLateP99), 1.5,
                    "inkernel", c.med(idle, "inkernel", Metric::kLateP99));
        }
        finish(g);
        out.push_back(g);
    }
    return out;
}

}  // namespace wfisbench
