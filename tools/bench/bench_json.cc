// bench_json.cc - serialises runs, summary and goals; unmeasured figures become null.
#include "bench_json.h"

#include <algorithm>

#include "host_timer_json.h"
#include "latency_json.h"
#include "machine_info.h"
#include "pooled.h"
#include "scenario_match.h"
#include "tcg_spec.h"

namespace wfisbench {

using nlohmann::json;

namespace {

template <typename T>
json opt(const std::optional<T> &v) {
    return v ? json(*v) : json(nullptr);
}

json quant(const std::optional<Quantiles> &q) {
    return wfisvm::latency_json(q);
}

json range(const std::optional<Range> &r) {
    if (!r) return nullptr;
    return json{
        {"median", r->median}, {"min", r->min}, {"max", r->max}, {"n", r->n}, {"of", r->of}};
}

json goals_json(const std::vector<GoalResult> &list) {
    json goals = json::array();
    for (const auto &g : list) {
        json checks = json::array();
        for (const auto &c : g.checks)
            checks.push_back({{"name", c.name},
                              {"value", c.value},
                              {"ci_low", opt(c.ci_low)},
                              {"ci_high", opt(c.ci_high)},
                              {"op", c.op},
                              {"bound", c.bound},
                              {"pairs", c.pairs},
                              {"verdict", verdict_text(c.verdict)},
                              {"coverage", c.coverage},
                              {"p_met", c.p_met},
                              {"p_not_met", c.p_not_met},
                              {"not_evaluated",
                               c.not_evaluated.empty() ? json(nullptr) : json(c.not_evaluated)}});
        json info = json::array();
        for (const auto &x : g.info)
            info.push_back({{"name", x.name},
                            {"value", x.value},
                            {"ci_low", opt(x.ci_low)},
                            {"ci_high", opt(x.ci_high)}});
        goals.push_back({{"id", g.id},
                         {"title", g.title},
                         {"verdict", verdict_text(g.verdict)},
                         {"missing", g.missing},
                         {"checks", checks},
                         {"info", info},
                         {"blocks", g.blocks},
                         {"min_blocks", g.min_blocks},
                         {"simulated", g.simulated},
                         {"quick", g.quick}});
    }
    return goals;
}

}  // namespace

json run_json(const RunResult &r) {
    json j;
    j["scenario"] = r.plan.scenario;
    j["governor"] = r.plan.governor;
    j["backend"] = backend_name(r.backend);
    j["vcpus"] = r.plan.vcpus;
    j["seconds"] = r.plan.seconds;
    j["host_cpu_pct"] = opt(r.host_cpu_pct);
    j["timer_lateness_us"] = quant(r.timer_lateness_us);
    j["wake_latency_us"] = quant(r.wake_latency_us);
    j["work_rate"] = opt(r.work_rate);
    j["lost_interrupts"] = opt(r.lost_interrupts);
    j["exits"] = opt(r.exits);
    j["repeat"] = r.plan.repeat;
    // Extras (the schema welcomes more keys).
    j["order"] = r.plan.order;
    j["status"] = r.ok ? "ok" : "error";
    j["error"] = r.ok ? json(nullptr) : json(r.error);
    j["seed"] = r.plan.seed;
    if (!r.plan.peer && r.plan.vm_governor != r.plan.governor)
        j["vm_governor"] = r.plan.vm_governor;
    if (r.plan.spin_match_us) j["spin_match_us"] = *r.plan.spin_match_us;
    if (r.in_vm_ab)
        j["in_vm_ab"] = json{{"segments", r.in_vm_ab->segments},
                             {"counted_s", r.in_vm_ab->counted_s},
                             {"segment_ms", r.in_vm_ab->segment_ms},
                             {"settle_ms", r.in_vm_ab->settle_ms},
                             {"governors", r.in_vm_ab->governors}};
    j["wall_s"] = opt(r.wall_s);
    j["wakeups_per_s"] = opt(r.wakeups_per_s);
    j["idle_traps"] = opt(r.idle_traps);
    j["governor_poll_spin_ns"] = opt(r.governor_poll_spin_ns);
    j["timer_irqs_taken"] = opt(r.timer_irqs_taken);
    j["class_advance_ns"] = r.class_advance_ns.empty() ? json(nullptr) : json(r.class_advance_ns);
    if (r.qemu_boot_s) j["qemu_boot_s"] = *r.qemu_boot_s;
    j["guest_timer"] = r.guest_timer.empty() ? json(nullptr) : json(r.guest_timer);
    j["vcpu_cpu_pct"] = r.vcpu_cpu_pct.empty() ? json(nullptr) : json(r.vcpu_cpu_pct);
    j["workload_s"] = opt(r.workload_s);
    j["workload_cpu_pct"] = opt(r.workload_cpu_pct);
    if (r.workload_cpu_error_pct) j["workload_cpu_error_pct"] = *r.workload_cpu_error_pct;
    j["governor_cpu_pct"] = opt(r.governor_cpu_pct);
    j["kvm_halt_poll_ns"] = opt(r.kvm_halt_poll_ns);
    j["runq_wait_pct"] = opt(r.runq_wait_pct);
    j["disturbed"] = r.disturbed;
    j["disturbed_why"] = r.disturbed ? json(r.disturbed_why) : json(nullptr);
    j["steal_pct"] = opt(r.steal_pct);
    if (r.probe)
        j["probe"] = {{"count", r.probe->count},        {"p50_us", opt(r.probe->p50_us)},
                      {"p99_us", opt(r.probe->p99_us)}, {"max_us", r.probe->max_us},
                      {"over_1ms", r.probe->over_1ms},  {"realtime", r.probe->realtime}};
    else
        j["probe"] = nullptr;
    j["governor_return_late_us"] = quant(r.governor_return_late_us);
    j["governor_return_early"] = opt(r.governor_return_early);
    wfisvm::ScenarioSpec spec;
    std::string err;
    const bool parsed = wfisvm::parse_scenario(vm_scenario_text(r.plan.scenario), &spec, &err);
    j["host_timer"] = parsed ? wfisvm::host_timer_json(spec.host_timer) : json(nullptr);
    j["kicks"] = parsed ? json(wfisvm::kick_pattern_name(spec.kicks)) : json(nullptr);
    if (r.backend == Backend::kQemuTcg || r.plan.backend == Backend::kQemuTcg) {
        // The real-QEMU row: its build, policy and main loop, the guest's
        // ping round trips, and the wfisleep glue's exit statistics.
        TcgRow row;
        std::string rerr;
        const bool ok = parse_tcg_row(r.plan.governor, &row, &rerr);
        j["ping_rtt_us"] = quant(r.ping_rtt_us);
        j["qemu_tcg"] = {{"build", ok ? json(row.build) : json(nullptr)},
                         {"policy", ok && !row.policy.empty() ? json(row.policy) : json(nullptr)},
                         {"main_loop", ok ? json(row.ppoll ? "ppoll" : "noppoll") : json(nullptr)},
                         {"waits_entered", opt(r.tcg_waits_entered)},
                         {"wfisleep_stats", r.tcg_stats}};
    }
    if (!r.wake_cdf.empty()) {
        json cdf = json::array();
        for (const auto &[us, frac] : r.wake_cdf) cdf.push_back({us, frac});
        j["wake_latency_cdf"] = cdf;
    }
    return j;
}

json bench_json(const BenchDoc &d) {
    json doc;
    json machine = d.machine;
    machine["load_1m_at_end"] = load_average_1m();
    doc["machine"] = machine;
    json runs = json::array();
    for (const auto &r : d.results) runs.push_back(run_json(r));
    doc["runs"] = runs;
    json b;
    b["seconds"] = d.opt.seconds;
    b["repeat"] = d.opt.repeat;
    b["quick"] = d.opt.quick;
    b["interval_method"] = d.opt.quick ? json(nullptr) : json(kIntervalMethod);
    b["vcpus"] = d.opt.vcpus;
    b["seed"] = d.opt.seed;
    b["peers"] = d.opt.peers;
    b["in_vm_ab"] = d.opt.in_vm_ab;
    b["default_matrix"] = d.opt.default_matrix;
    b["scenarios"] = d.opt.scenarios;
    b["governors"] = d.opt.governors;
    b["notes"] = d.notes;
    json skips = json::array();
    for (const auto &s : d.skips)
        skips.push_back({{"scenario", s.scenario}, {"governor", s.governor}, {"reason", s.reason}});
    b["skipped"] = skips;
    b["wall_s"] = d.wall_s;
    b["exit_status"] = d.exit_status;
    b["flagged_blocks"] = d.flagged_blocks;
    b["block_wall_s"] = d.block_wall_s;
    b["block_qemu_tcg_wall_s"] = d.block_qemu_tcg_wall_s;
    b["qemu_tcg"] = {{"seconds", d.opt.tcg_seconds},
                     {"blocks", std::min(d.opt.tcg_repeat, d.opt.repeat)},
                     {"full", d.opt.full},
                     {"skipped_by_flag", d.opt.no_qemu_tcg}};
    doc["bench"] = b;
    doc["seed"] = d.opt.seed;
    json summary = json::array();
    for (const auto &g : d.groups) {
        json s;
        s["scenario"] = g.scenario;
        s["governor"] = g.governor;
        s["backend"] = backend_name(g.backend);
        s["vcpus"] = g.vcpus;
        s["runs"] = g.runs;
        s["ok_runs"] = g.ok_runs;
        s["lost_interrupts"] = g.lost;
        s["host_cpu_pct"] = range(g.get(Metric::kCpu));
        s["timer_lateness_p50_us"] = range(g.get(Metric::kLateP50));
        s["timer_lateness_p99_us"] = range(g.get(Metric::kLateP99));
        s["timer_lateness_max_us"] = range(g.get(Metric::kLateMax));
        s["wake_latency_p50_us"] = range(g.get(Metric::kWakeP50));
        s["wake_latency_p99_us"] = range(g.get(Metric::kWakeP99));
        s["work_rate"] = range(g.get(Metric::kWorkRate));
        s["workload_cpu_pct"] = range(g.get(Metric::kWorkloadCpu));
        s["governor_cpu_pct"] = range(g.get(Metric::kGovernorCpu));
        s["timer_lateness_p90_us"] = range(g.get(Metric::kLateP90));
        s["timer_lateness_p99_9_us"] = range(g.get(Metric::kLateP999));
        s["timer_lateness_count"] = range(g.get(Metric::kLateCount));
        s["timer_lateness_missed"] = range(g.get(Metric::kLateMissed));
        s["wake_latency_p90_us"] = range(g.get(Metric::kWakeP90));
        s["disturbed_runs"] = g.disturbed;
        s["governor_return_p50_us"] = range(g.get(Metric::kGovReturnP50));
        s["governor_return_p99_us"] = range(g.get(Metric::kGovReturnP99));
        s["governor_return_p90_us"] = range(g.get(Metric::kGovReturnP90));
        s["spin_per_wake_us"] = range(g.get(Metric::kSpinPerWake));
        s["sibling_lateness_p50_us"] = range(g.get(Metric::kSiblingP50));
        s["learned_advance_p50_us"] = range(g.get(Metric::kAdvanceP50));
        s["learned_advance_max_us"] = range(g.get(Metric::kAdvanceMax));
        if (g.backend == Backend::kQemuTcg) {
            s["ping_rtt_p50_us"] = range(g.get(Metric::kPingP50));
            s["ping_rtt_p99_us"] = range(g.get(Metric::kPingP99));
            s["vcpu_threads_cpu_pct"] = range(g.get(Metric::kVcpuThreadCpu));
            s["glue_waits_entered"] = range(g.get(Metric::kGlueWaits));
            s["workload_cpu_error_pct"] = range(g.get(Metric::kWorkloadCpuError));
        }
        // Pooled exact samples of every completed run: the distribution and
        // CDF points [[us, fraction <= us], ...] (for plots; the intervals
        // use the per-run percentiles).
        auto cdf = [](const std::vector<int32_t> &v) {
            json pts = json::array();
            for (const auto &[us, frac] : cdf_points(v)) pts.push_back({us, frac});
            return pts;
        };
        s["timer_lateness_pooled_us"] = quant(pooled_distribution(g.pooled_timer_ns));
        s["timer_lateness_cdf"] = cdf(g.pooled_timer_ns);
        s["wake_latency_pooled_us"] = quant(pooled_distribution(g.pooled_wake_ns));
        s["wake_latency_cdf"] = cdf(g.pooled_wake_ns);
        s["cdf_points_per_decade"] = kCdfPointsPerDecade;  // absent: an older 1-2-5 grid
        s["lateness_approx"] = g.approx;
        Metric key = key_metric(g.scenario);
        json ratios = {{"key_metric", metric_label(key)}};
        // Each ratio: the paired-block estimate (a number, as before) and
        // its interval beside it under <name>_ci: [low, high] or null.
        auto put = [&](const char *name, const char *ref, Metric m) {
            auto iv = paired_ratio(d.groups, g, ref, m);
            ratios[name] = iv ? json(iv->point) : json(nullptr);
            ratios[std::string(name) + "_ci"] = iv && iv->low && iv->high && !d.opt.quick
                                                    ? json::array({*iv->low, *iv->high})
                                                    : json(nullptr);
            ratios[std::string(name) + "_pairs"] = iv ? iv->n : 0;
        };
        put("cpu_vs_off", "off", Metric::kCpu);
        put("cpu_vs_seed", "seed:max_us=100", Metric::kCpu);
        put("workload_cpu_vs_off", "off", Metric::kWorkloadCpu);
        put("workload_cpu_vs_seed", "seed:max_us=100", Metric::kWorkloadCpu);
        put("key_vs_off", "off", key);
        put("key_vs_seed", "seed:max_us=100", key);
        TcgRow row;
        std::string rerr;
        if (g.backend == Backend::kQemuTcg && parse_tcg_row(g.governor, &row, &rerr)) {
            // Real QEMU: over the upstream build with the same main loop.
            const std::string up = tcg_upstream_row(row);
            ratios["upstream"] = up;
            put("workload_cpu_vs_upstream", up.c_str(), Metric::kWorkloadCpu);
            put("lateness_p50_vs_upstream", up.c_str(), Metric::kLateP50);
            put("lateness_p99_vs_upstream", up.c_str(), Metric::kLateP99);
        }
        s["ratios"] = ratios;
        summary.push_back(s);
    }
    doc["summary"] = summary;
    doc["goals"] = goals_json(d.goals);
    doc["goals_unflagged"] = goals_json(d.goals_unflagged);
    return doc;
}

}  // namespace wfisbench
