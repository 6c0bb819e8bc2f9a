// vm_pair.cc - side-by-side wfisleep-vm runs of one plan and the rule that pools them.
#include "vm_pair.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "pooled.h"
#include "scenario_match.h"
#include "splitmix64.h"

namespace wfisbench {
namespace {

template <typename T>
void add_to(std::optional<T> *sum, const std::optional<T> &x) {
    if (x) *sum = sum->value_or(T{}) + *x;
}

template <typename T>
void max_to(std::optional<T> *m, const std::optional<T> &x) {
    if (x) *m = m->has_value() ? std::max(**m, *x) : *x;
}

// Without samples to pool: each percentile the larger of the two.
Quantiles worse_of(const Quantiles &a, const Quantiles &b) {
    Quantiles q = a;
    max_to(&q.p50, b.p50);
    max_to(&q.p90, b.p90);
    max_to(&q.p99, b.p99);
    max_to(&q.p999, b.p999);
    q.max = std::max(a.max, b.max);
    for (size_t i = 0; i < q.over.size(); i++) q.over[i] = std::max(a.over[i], b.over[i]);
    q.count = a.count + b.count;
    q.missed = a.missed + b.missed;
    q.dropped = a.dropped + b.dropped;
    q.early = a.early + b.early;
    q.exact = false;
    return q;
}

// The pooled distribution: from the concatenated samples when every VM had
// them, else the worse of each percentile.
std::optional<Quantiles> pool_dist(const std::vector<RunResult> &each,
                                   std::optional<Quantiles> RunResult::*dist,
                                   std::vector<int32_t> RunResult::*samples,
                                   const std::vector<int32_t> *pooled) {
    bool all = true;
    std::optional<Quantiles> worst;
    uint64_t missed = 0, dropped = 0;
    for (const auto &r : each) {
        const auto &d = r.*dist;
        if (!d) return std::nullopt;
        all = all && samples && !(r.*samples).empty() && d->exact;
        missed += d->missed;
        dropped += d->dropped;
        worst = worst ? worse_of(*worst, *d) : *d;
    }
    if (!all || !pooled) return worst;
    auto q = pooled_distribution(*pooled);
    if (q) {
        q->missed = missed;
        q->dropped = dropped;
    }
    return q;
}

}  // namespace

uint64_t side_vm_seed(uint64_t block_seed, int k) {
    if (k == 0) return block_seed;
    return wfisvm::splitmix64_mix(block_seed + 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(k)) |
           1;  // never 0
}

RunResult pool_side_by_side(const RunPlan &plan, const std::vector<RunResult> &each) {
    RunResult p;
    p.plan = plan;
    if (each.empty()) {
        p.error = "no VM ran";
        return p;
    }
    p.backend = each.front().backend;
    p.guest_timer = each.front().guest_timer;
    p.ok = true;
    for (size_t k = 0; k < each.size(); k++) {
        const RunResult &r = each[k];
        if (!r.ok && p.ok) {
            p.ok = false;
            p.usage_error = r.usage_error;
            p.exit_code = r.exit_code;
            p.error = fmt::format("VM {} of {}: {}", k + 1, each.size(), r.error);
        }
        add_to(&p.host_cpu_pct, r.host_cpu_pct);
        add_to(&p.workload_cpu_pct, r.workload_cpu_pct);
        add_to(&p.governor_cpu_pct, r.governor_cpu_pct);
        add_to(&p.wakeups_per_s, r.wakeups_per_s);
        add_to(&p.lost_interrupts, r.lost_interrupts);
        add_to(&p.exits, r.exits);
        add_to(&p.idle_traps, r.idle_traps);
        add_to(&p.governor_poll_spin_ns, r.governor_poll_spin_ns);
        add_to(&p.timer_irqs_taken, r.timer_irqs_taken);
        add_to(&p.kvm_halt_poll_ns, r.kvm_halt_poll_ns);
        add_to(&p.governor_return_early, r.governor_return_early);
        add_to(&p.runq_wait_pct, r.runq_wait_pct);
        max_to(&p.wall_s, r.wall_s);
        max_to(&p.workload_s, r.workload_s);
        p.vcpu_cpu_pct.insert(p.vcpu_cpu_pct.end(), r.vcpu_cpu_pct.begin(), r.vcpu_cpu_pct.end());
        p.class_advance_ns.insert(p.class_advance_ns.end(), r.class_advance_ns.begin(),
                                  r.class_advance_ns.end());
        p.timer_samples_ns.insert(p.timer_samples_ns.end(), r.timer_samples_ns.begin(),
                                  r.timer_samples_ns.end());
        p.wake_samples_ns.insert(p.wake_samples_ns.end(), r.wake_samples_ns.begin(),
                                 r.wake_samples_ns.end());
    }
    if (p.runq_wait_pct) *p.runq_wait_pct /= static_cast<double>(each.size());
    p.timer_lateness_us = pool_dist(each, &RunResult::timer_lateness_us,
                                    &RunResult::timer_samples_ns, &p.timer_samples_ns);
    p.wake_latency_us = pool_dist(each, &RunResult::wake_latency_us, &RunResult::wake_samples_ns,
                                  &p.wake_samples_ns);
    p.governor_return_late_us =
        pool_dist(each, &RunResult::governor_return_late_us, nullptr, nullptr);
    return p;
}

RunResult run_vms_side_by_side(const RunPlan &plan, const VmSetup &setup) {
    const int n = std::max(scenario_vms_key(plan.scenario), 1);
    std::vector<RunResult> each(static_cast<size_t>(n));
    std::vector<std::thread> threads;
    for (int k = 0; k < n; k++) {
        RunPlan one = plan;
        one.seed = side_vm_seed(plan.seed, k);
        threads.emplace_back([&each, k, one, &setup] {
            each[static_cast<size_t>(k)] = run_one_vm(one, setup, fmt::format("-vm{}", k));
        });
    }
    for (auto &t : threads) t.join();
    return pool_side_by_side(plan, each);
}

}  // namespace wfisbench
