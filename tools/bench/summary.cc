// summary.cc - median (min-max) per (scenario, governor) and ratios against reference governors.
#include "summary.h"

#include <algorithm>

#include "learned_advance.h"
#include "scenario_match.h"
#include "spec.h"
#include "tcg_spec.h"

namespace wfisbench {

namespace {

bool is_compute(const std::string &scenario) {
    if (is_tcg_scenario(scenario)) return false;
    wfisvm::ScenarioSpec s;
    std::string err;
    return wfisvm::parse_scenario(vm_scenario_text(scenario), &s, &err) &&
           s.workload == wfisvm::Workload::kCompute;
}

}  // namespace

std::optional<Range> range_of(std::vector<double> v) {
    if (v.empty()) return std::nullopt;
    std::sort(v.begin(), v.end());
    Range r;
    r.n = static_cast<int>(v.size());
    r.min = v.front();
    r.max = v.back();
    size_t mid = v.size() / 2;
    r.median = v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    return r;
}

const char *metric_label(Metric m) {
    switch (m) {
        case Metric::kCpu:
            return "host CPU %";
        case Metric::kLateP50:
            return "timer lateness p50 us";
        case Metric::kLateP99:
            return "timer lateness p99 us";
        case Metric::kLateMax:
            return "timer lateness max us";
        case Metric::kWakeP50:
            return "wake latency p50 us";
        case Metric::kWakeP99:
            return "wake latency p99 us";
        case Metric::kWakeMax:
            return "wake latency max us";
        case Metric::kWorkRate:
            return "work units/s";
        case Metric::kWorkloadCpu:
            return "workload CPU %";
        case Metric::kGovernorCpu:
            return "governor CPU %";
        case Metric::kLateP90:
            return "timer lateness p90 us";
        case Metric::kLateP999:
            return "timer lateness p99.9 us";
        case Metric::kWakeP90:
            return "wake latency p90 us";
        case Metric::kWakeP999:
            return "wake latency p99.9 us";
        case Metric::kGovReturnP50:
            return "governor return late p50 us";
        case Metric::kGovReturnP99:
            return "governor return late p99 us";
        case Metric::kLateCount:
            return "timer lateness samples per run";
        case Metric::kLateMissed:
            return "missed ticks per run";
        case Metric::kPingP50:
            return "ping round trip p50 us";
        case Metric::kPingP99:
            return "ping round trip p99 us";
        case Metric::kVcpuThreadCpu:
            return "vCPU threads CPU %";
        case Metric::kGlueWaits:
            return "glue waits entered per run";
        case Metric::kWorkloadCpuError:
            return "workload CPU error bound %";
        case Metric::kGovReturnP90:
            return "governor return late p90 us";
        case Metric::kSpinPerWake:
            return "governor spin per timer interrupt us";
        case Metric::kSiblingP50:
            return "idle siblings' timer lateness p50 us";
        case Metric::kAdvanceP50:
            return "learned advance p50 us";
        case Metric::kAdvanceMax:
            return "learned advance max us";
    }
    return "?";
}

std::optional<Range> Group::get(Metric m) const {
    auto r = range_of(values[static_cast<int>(m)]);
    if (r) r->of = ok_runs;
    return r;
}

std::optional<double> Group::in_block(Metric m, int b) const {
    const int i = static_cast<int>(m);
    for (size_t k = 0; k < blocks[i].size(); k++)
        if (blocks[i][k] == b) return values[i][k];
    return std::nullopt;
}

std::vector<Group> summarize(const std::vector<RunResult> &results) {
    std::vector<Group> groups;
    for (const auto &r : results) {
        auto it = std::find_if(groups.begin(), groups.end(), [&](const Group &g) {
            return g.scenario == r.plan.scenario && g.governor == r.plan.governor;
        });
        if (it == groups.end()) {
            Group g;
            g.scenario = r.plan.scenario;
            g.governor = r.plan.governor;
            g.backend = r.backend;
            g.peer = r.plan.peer;
            g.vcpus = r.plan.vcpus;
            g.seconds = r.plan.seconds;
            groups.push_back(g);
            it = groups.end() - 1;
        }
        Group &g = *it;
        g.runs++;
        g.lost += r.lost_interrupts.value_or(0);
        if (r.backend == Backend::kSimulated) g.backend = Backend::kSimulated;
        if (!r.ok) continue;
        g.ok_runs++;
        if (r.disturbed) g.disturbed++;
        auto add = [&](Metric m, std::optional<double> v) {
            if (!v) return;
            g.values[static_cast<int>(m)].push_back(*v);
            g.blocks[static_cast<int>(m)].push_back(r.plan.repeat);
        };
        add(Metric::kCpu, r.host_cpu_pct);
        add(Metric::kWorkloadCpu, r.workload_cpu_pct);
        add(Metric::kGovernorCpu, r.governor_cpu_pct);
        if (const auto &l = r.timer_lateness_us) {
            add(Metric::kLateP50, l->p50);
            add(Metric::kLateP90, l->p90);
            add(Metric::kLateP99, l->p99);
            add(Metric::kLateP999, l->p999);
            add(Metric::kLateMax, l->max);
            add(Metric::kLateCount, static_cast<double>(l->count));
            add(Metric::kLateMissed, static_cast<double>(l->missed));
            if (!l->exact) g.approx = true;
            // The VMM reports no per-vCPU lateness; in compute its pooled
            // rings are the idle siblings' (see Metric::kSiblingP50).
            if (is_compute(r.plan.scenario)) add(Metric::kSiblingP50, l->p50);
        }
        if (const auto &l = r.wake_latency_us) {
            add(Metric::kWakeP50, l->p50);
            add(Metric::kWakeP90, l->p90);
            add(Metric::kWakeP99, l->p99);
            add(Metric::kWakeP999, l->p999);
            add(Metric::kWakeMax, l->max);
        }
        if (const auto &l = r.governor_return_late_us) {
            add(Metric::kGovReturnP50, l->p50);
            add(Metric::kGovReturnP90, l->p90);
            add(Metric::kGovReturnP99, l->p99);
        }
        add(Metric::kWorkRate, r.work_rate);
        if (r.governor_poll_spin_ns && r.timer_irqs_taken && *r.timer_irqs_taken > 0)
            add(Metric::kSpinPerWake, static_cast<double>(*r.governor_poll_spin_ns) / 1e3 /
                                          static_cast<double>(*r.timer_irqs_taken));
        if (const auto adv = learned_advance(r.class_advance_ns)) {
            add(Metric::kAdvanceP50, adv->p50_us);
            add(Metric::kAdvanceMax, adv->max_us);
        }
        if (const auto &l = r.ping_rtt_us) {
            add(Metric::kPingP50, l->p50);
            add(Metric::kPingP99, l->p99);
        }
        if (r.backend == Backend::kQemuTcg && !r.vcpu_cpu_pct.empty()) {
            double sum = 0;
            for (double v : r.vcpu_cpu_pct) sum += v;
            add(Metric::kVcpuThreadCpu, sum);
        }
        if (!r.tcg_stats.empty()) g.tcg_stats = r.tcg_stats;
        if (r.tcg_waits_entered) add(Metric::kGlueWaits, static_cast<double>(*r.tcg_waits_entered));
        add(Metric::kWorkloadCpuError, r.workload_cpu_error_pct);
        g.pooled_timer_ns.insert(g.pooled_timer_ns.end(), r.timer_samples_ns.begin(),
                                 r.timer_samples_ns.end());
        g.pooled_wake_ns.insert(g.pooled_wake_ns.end(), r.wake_samples_ns.begin(),
                                r.wake_samples_ns.end());
    }
    // Stable by scenario order of first appearance, governors in run order.
    std::vector<std::string> order;
    for (const auto &g : groups)
        if (std::find(order.begin(), order.end(), g.scenario) == order.end())
            order.push_back(g.scenario);
    std::stable_sort(groups.begin(), groups.end(), [&](const Group &a, const Group &b) {
        return std::find(order.begin(), order.end(), a.scenario) <
               std::find(order.begin(), order.end(), b.scenario);
    });
    return groups;
}

Metric key_metric(const std::string &scenario) {
    if (is_tcg_scenario(scenario))
        return scenario.rfind("linux-ping", 0) == 0 ? Metric::kPingP50 : Metric::kLateP99;
    wfisvm::ScenarioSpec s;
    std::string err;
    if (!wfisvm::parse_scenario(vm_scenario_text(scenario), &s, &err)) return Metric::kLateP99;
    switch (s.workload) {
        case wfisvm::Workload::kPingpong:
        case wfisvm::Workload::kBurst:
            return Metric::kWakeP50;
        case wfisvm::Workload::kCompute:
            return Metric::kWorkRate;
        default:
            return Metric::kLateP99;
    }
}

const Group *find_group(const std::vector<Group> &groups, const std::string &scenario,
                        const std::string &governor) {
    for (const auto &g : groups)
        if (g.scenario == scenario && g.governor == governor) return &g;
    return nullptr;
}

std::optional<double> ratio(const std::vector<Group> &groups, const Group &g,
                            const std::string &ref_governor, Metric m) {
    const Group *ref = find_group(groups, g.scenario, ref_governor);
    if (ref == nullptr) return std::nullopt;
    auto a = g.get(m), b = ref->get(m);
    if (!a || !b || b->median <= 0) return std::nullopt;
    return a->median / b->median;
}

}  // namespace wfisbench

namespace wfisbench {

void order_groups(std::vector<Group> *groups, const std::vector<std::string> &scenarios,
                  const std::vector<std::string> &governors) {
    auto rank = [](const std::vector<std::string> &v, const std::string &x) {
        return static_cast<size_t>(std::find(v.begin(), v.end(), x) - v.begin());
    };
    std::stable_sort(groups->begin(), groups->end(), [&](const Group &a, const Group &b) {
        const size_t sa = rank(scenarios, a.scenario), sb = rank(scenarios, b.scenario);
        if (sa != sb) return sa < sb;
        return rank(governors, a.governor) < rank(governors, b.governor);
    });
}

std::optional<Interval> paired_ratio(const std::vector<Group> &groups, const Group &g,
                                     const std::string &ref_governor, Metric m) {
    const Group *ref = find_group(groups, g.scenario, ref_governor);
    if (ref == nullptr) return std::nullopt;
    int blocks = 0;
    for (const auto *x : {&g, ref})
        for (int b : x->blocks[static_cast<int>(m)]) blocks = std::max(blocks, b + 1);
    std::vector<std::optional<double>> a, r;
    for (int b = 0; b < blocks; b++) {
        a.push_back(g.in_block(m, b));
        r.push_back(ref->in_block(m, b));
    }
    return ratio_interval(a, r);
}

}  // namespace wfisbench
