// report_table.cc - formats the tables and the goal verdicts printed at the end of a bench run.
#include "report_table.h"

#include <fmt/format.h>

#include <cmath>

namespace wfisbench {

std::string fmt_num(double v) {
    if (!std::isfinite(v)) return "nan";
    if (std::fabs(v) >= 1000) return fmt::format("{:.0f}", v);
    if (std::fabs(v) >= 100) return fmt::format("{:.0f}", v);
    if (std::fabs(v) >= 10) return fmt::format("{:.1f}", v);
    return fmt::format("{:.2f}", v);
}

std::string fmt_range(const std::optional<Range> &r) {
    if (!r) return "-";
    if (r->n == 1) return fmt_num(r->median);
    return fmt::format("{} ({}-{})", fmt_num(r->median), fmt_num(r->min), fmt_num(r->max));
}

namespace {

std::string fmt_ratio(std::optional<double> r) {
    return r ? fmt::format("{:.2f}", *r) : "-";
}

const char *key_short(Metric m) {
    switch (m) {
        case Metric::kWakeP50:
            return "wake50";
        case Metric::kWorkRate:
            return "work";
        default:
            return "p99";
    }
}

}  // namespace

std::string format_tables(const std::vector<Group> &groups, double seconds, int repeat) {
    std::string out;
    size_t i = 0;
    while (i < groups.size()) {
        size_t j = i;
        while (j < groups.size() && groups[j].scenario == groups[i].scenario) j++;
        const std::string &sc = groups[i].scenario;
        bool any_wake = false, any_work = false;
        for (size_t k = i; k < j; k++) {
            any_wake = any_wake || groups[k].get(Metric::kWakeP50).has_value();
            any_work = any_work || groups[k].get(Metric::kWorkRate).has_value();
        }
        Metric key = key_metric(sc);
        out += fmt::format("\n== {}  ({} vCPU{}, {} s x {}; median (min-max) of completed runs)\n",
                           sc, groups[i].vcpus, groups[i].vcpus == 1 ? "" : "s", seconds, repeat);
        std::string head =
            fmt::format("{:<22} {:<9} {:>5}  {:<20} {:<18} {:<20}", "governor", "backend", "ok",
                        "host CPU %", "lateness p50 us", "lateness p99 us");
        if (any_wake) head += fmt::format(" {:<20} {:<20}", "wake p50 us", "wake p99 us");
        if (any_work) head += fmt::format(" {:<24}", "work units/s");
        std::string ks = key_short(key);
        head += fmt::format(" {:>8} {:>9} {:>9} {:>10}", "CPU/off", "CPU/seed", ks + "/off",
                            ks + "/seed");
        out += head + "\n";
        for (size_t k = i; k < j; k++) {
            const Group &g = groups[k];
            std::string line = fmt::format(
                "{:<22} {:<9} {:>5}  {:<20} {:<18} {:<20}", g.governor, backend_name(g.backend),
                fmt::format("{}/{}", g.ok_runs, g.runs), fmt_range(g.get(Metric::kCpu)),
                fmt_range(g.get(Metric::kLateP50)), fmt_range(g.get(Metric::kLateP99)));
            if (any_wake)
                line += fmt::format(" {:<20} {:<20}", fmt_range(g.get(Metric::kWakeP50)),
                                    fmt_range(g.get(Metric::kWakeP99)));
            if (any_work) line += fmt::format(" {:<24}", fmt_range(g.get(Metric::kWorkRate)));
            line += fmt::format(" {:>8} {:>9} {:>9} {:>10}",
                                fmt_ratio(ratio(groups, g, "off", Metric::kCpu)),
                                fmt_ratio(ratio(groups, g, "seed:max_us=100", Metric::kCpu)),
                                fmt_ratio(ratio(groups, g, "off", key)),
                                fmt_ratio(ratio(groups, g, "seed:max_us=100", key)));
            if (g.lost) line += fmt::format("  LOST {}", g.lost);
            out += line + "\n";
        }
        i = j;
    }
    out +=
        "\nRatios: median of the row / median of `off` (or `seed:max_us=100`) on the same "
        "scenario in this run;\n"
        "p99 = timer lateness p99, wake50 = host raise-to-ack latency p50, work = busy-vCPU "
        "work units/s.\n";
    return out;
}

std::string format_goals(const std::vector<GoalResult> &goals) {
    std::string out = "\nGoals (issue 4; medians from this run, never tuned to pass):\n";
    for (const auto &g : goals) {
        out += fmt::format("  Goal {}: {}{} - {}\n", g.id, goal_status_text(g.status),
                           g.simulated ? " (SIMULATED backend: not a real result)" : "", g.title);
        if (!g.missing.empty()) out += "      missing: " + g.missing + "\n";
        for (const auto &c : g.checks) out += "      " + c.text + "\n";
    }
    return out;
}

std::string format_skips(const std::vector<Skip> &skips) {
    std::string out;
    for (const auto &s : skips)
        out += fmt::format("skipped: {} on {}: {}\n", s.governor, s.scenario, s.reason);
    return out;
}

}  // namespace wfisbench
