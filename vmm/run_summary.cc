// run_summary.cc - the human-readable summary of a run printed on stdout.
#include <cstdio>

#include "run.h"

namespace wfisvm {
namespace {

std::string fmt_opt(const std::optional<double> &v, const char *fmt) {
    if (!v) return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, *v);
    return buf;
}

std::string fmt_lat(const std::optional<LatencyUs> &l) {
    if (!l) return "n/a";
    auto q = [](const std::optional<double> &v) {
        char b[32];
        if (!v) return std::string("-");
        std::snprintf(b, sizeof b, "%.1f", *v);
        return std::string(b);
    };
    char buf[160];
    std::snprintf(buf, sizeof buf, "p50 %s us, p99 %s us, max %.1f us, %llu samples%s",
                  q(l->p50).c_str(), q(l->p99).c_str(), l->max,
                  static_cast<unsigned long long>(l->count), l->exact ? "" : " (approx)");
    return buf;
}

}  // namespace

std::string run_result_summary(const RunResult &r) {
    std::string s;
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "wfisleep-vm: backend %s%s, scenario %s, governor %s, %u vCPU(s)\n",
                  r.backend.c_str(), r.backend == "simulated" ? " (SIMULATED, not a real VM)" : "",
                  r.scenario.c_str(), r.governor.c_str(), r.vcpus);
    s += buf;
    if (r.host_timer.kind == HostTimerKind::kMacos) {
        std::snprintf(
            buf, sizeof buf,
            "  host timer   MODEL of macOS coalescing (not a Mac measurement): sleeps end "
            "late by min(%u/1000 x L, %u us), shape %s\n",
            r.host_timer.permille, r.host_timer.max_us, coalesce_shape_name(r.host_timer.shape));
        s += buf;
        if (r.host_timer.shape == CoalesceShape::kWindow) {
            std::snprintf(buf, sizeof buf,
                          "               to the next boundary of a %u us grid shared by the "
                          "vCPUs\n",
                          r.host_timer.window_us);
            s += buf;
        }
    }
    std::snprintf(buf, sizeof buf, "  status       %s%s%s\n", r.ok ? "ok" : "error",
                  r.ok ? "" : ": ", r.error.c_str());
    s += buf;
    s += "  wall         " + fmt_opt(r.wall_s, "%.3f s") + " (guest run " +
         fmt_opt(r.seconds, "%.3f s") + ")\n";
    s += "  host CPU     " + fmt_opt(r.host_cpu_pct, "%.1f%%") + " of one core; per vCPU:";
    for (const auto &c : r.vcpu_cpu_pct) s += " " + fmt_opt(c, "%.1f%%");
    s += "\n  wake-ups     " + fmt_opt(r.wakeups_per_s, "%.0f /s") +
         " (voluntary context switches)\n";
    s += "  timer late   " + fmt_lat(r.timer_lateness_us) + "\n";
    if (r.governor_return_early)
        s += "  gov return   " + fmt_lat(r.governor_return_late_us) + " past the deadline; " +
             std::to_string(*r.governor_return_early) + " returned before it\n";
    s += "  raise->ack   " + fmt_lat(r.wake_latency_us) + "\n";
    s += "  work rate    " + fmt_opt(r.work_rate, "%.0f units/s") + "\n";
    s += "  workload     " + fmt_opt(r.workload_cpu_pct, "%.1f %% CPU") + " over " +
         fmt_opt(r.workload_s, "%.3f s") + ", governor " + fmt_opt(r.governor_cpu_pct, "%.2f %%") +
         "\n";
    auto u = [](const std::optional<uint64_t> &v) { return v ? std::to_string(*v) : "n/a"; };
    s += "  exits        " + u(r.exits) + ", idle traps " + u(r.idle_traps) + "\n";
    auto irq = [&](const char *name, const std::optional<IrqCounts> &c) {
        s += std::string("  irq ") + name +
             (c ? " injected " + std::to_string(c->injected) + ", handled " +
                      std::to_string(c->handled)
                : " n/a") +
             "\n";
    };
    irq("timer ", r.timer_irqs);
    irq("device", r.device_irqs);
    s += "  lost irqs    " + u(r.lost_interrupts) + "\n";
    s += "  guest timer  " + (r.guest_timer.empty() ? std::string("n/a") : r.guest_timer) +
         ", tsc " + u(r.guest_tsc_khz) + " kHz\n";
    for (size_t i = 0; i < r.governor_stats.size(); i++) {
        const auto &g = r.governor_stats[i];
        std::snprintf(buf, sizeof buf,
                      "  vcpu%zu gov    idle %llu, sleeps %llu, kicks %llu, poll hits %llu, sleep "
                      "%.1f ms, poll %.1f ms, spin %.1f ms\n",
                      i, (unsigned long long)g.idle_calls, (unsigned long long)g.sleeps,
                      (unsigned long long)g.kicks, (unsigned long long)g.poll_hits,
                      static_cast<double>(g.sleep_ns) / 1e6, static_cast<double>(g.poll_ns) / 1e6,
                      static_cast<double>(g.spin_ns) / 1e6);
        s += buf;
    }
    return s;
}

}  // namespace wfisvm
