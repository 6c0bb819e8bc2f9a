// report_table.cc - formats the tables and the goal verdicts printed at the end of a bench run.
#include "report_table.h"

#include <fmt/format.h>

#include <cmath>

#include "learned_advance.h"
#include "spin_match.h"
#include "tcg_spec.h"

namespace wfisbench {

const char *const kTailsNote =
    "Percentiles per run are exact (every sample; a missed tick is a sample, late until the next "
    "handled tick):\n"
    "p50/p90/p99 from 100 samples per run, p99.9 from 1000 ('-' otherwise); n/run = median "
    "samples per run (missed ticks).\n"
    "[k/N] after a median: only k of the N completed runs had that figure. (k/K) after a ratio: "
    "it paired only k of the K blocks.\n";

const char *const kAdvanceNote =
    "advance us = adaptive's learned wake-up advance, p50/max over the sleep-length classes that "
    "learned anything\n"
    "(all vCPUs), each the median over the blocks; '-' for the other governors.\n";

std::string fmt_num(double v) {
    if (!std::isfinite(v)) return "nan";
    if (std::fabs(v) >= 1000) return fmt::format("{:.0f}", v);
    if (std::fabs(v) >= 100) return fmt::format("{:.0f}", v);
    if (std::fabs(v) >= 10) return fmt::format("{:.1f}", v);
    return fmt::format("{:.2f}", v);
}

std::string fmt_range(const std::optional<Range> &r) {
    if (!r) return "-";
    // k/N when only k of the N completed runs had a value: the median is
    // then over those k alone.
    const std::string some = r->of > r->n ? fmt::format(" [{}/{}]", r->n, r->of) : "";
    if (r->n == 1) return fmt_num(r->median) + some;
    return fmt::format("{} ({}-{}){}", fmt_num(r->median), fmt_num(r->min), fmt_num(r->max), some);
}

namespace {

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

// The n behind the lateness percentiles: median samples per run and, in
// brackets, median missed ticks among them.
std::string samples_per_run(const Group &g) {
    const auto n = g.get(Metric::kLateCount), missed = g.get(Metric::kLateMissed);
    if (!n) return "-";
    return fmt::format("{:.0f} ({:.0f})", n->median, missed ? missed->median : 0.0);
}

// The adaptive rows' learned advance: medians over the blocks of each run's
// p50 and max over the classes that learned anything (learned_advance.h).
std::string advance_cell(const Group &g) {
    const auto p50 = g.get(Metric::kAdvanceP50), mx = g.get(Metric::kAdvanceMax);
    return wfisbench::advance_cell(p50 ? std::optional(p50->median) : std::nullopt,
                                   mx ? std::optional(mx->median) : std::nullopt);
}

// One linux-* scenario's table: the real-QEMU rows.
std::string tcg_table(const std::vector<Group> &groups, size_t i, size_t j, bool intervals,
                      const std::string &commit) {
    std::string out;
    const std::string &sc = groups[i].scenario;
    int blocks = 0;
    bool ping = false;
    for (size_t k = i; k < j; k++) {
        for (const auto &bs : groups[k].blocks)
            for (int b : bs) blocks = std::max(blocks, b + 1);
        ping = ping || groups[k].get(Metric::kPingP50).has_value();
    }
    out += fmt::format(
        "\n== {}  (real QEMU, TCG; {} vCPU{}, {:g} s workload x {} blocks{}; median (min-max) of "
        "completed runs)\n",
        sc, groups[i].vcpus, groups[i].vcpus == 1 ? "" : "s", groups[i].seconds, blocks,
        commit.empty() ? "" : ", commit " + commit);
    const int rw = intervals ? 25 : 12;
    std::string head = fmt::format(
        "{:<36} {:<8} {:>5} {:>4}  {:<18} {:<18} {:<10} {:<18} {:<18} {:<18} {:<18} {:<18} {:<12}",
        "row", "loop", "ok", "dist", "host CPU %", "workload CPU %", "+- err", "vCPU thr CPU %",
        "lat p50 us", "lat p90 us", "lat p99 us", "lat p99.9 us", "n/run");
    if (ping) head += fmt::format(" {:<18} {:<18}", "ping p50 us", "ping p99 us");
    head += fmt::format(" {:<16} {:>{}} {:>{}} {:>{}}", "glue waits", "wCPU/upstream", rw,
                        "p50/upstream", rw, "p99/upstream", rw);
    out += head + "\n";
    std::vector<const Group *> with_stats;
    for (size_t k = i; k < j; k++) {
        const Group &g = groups[k];
        TcgRow row;
        std::string err;
        const bool parsed = parse_tcg_row(g.governor, &row, &err);
        const auto e = g.get(Metric::kWorkloadCpuError);
        const auto n = g.get(Metric::kLateCount);
        std::string p99 = fmt_range(g.get(Metric::kLateP99)),
                    p999 = fmt_range(g.get(Metric::kLateP999));
        if (g.approx) p999 += " ~";
        std::string line = fmt::format(
            "{:<36} {:<8} {:>5} {:>4}  {:<18} {:<18} {:<10} {:<18} {:<18} {:<18} {:<18} {:<18} "
            "{:<12}",
            g.governor, parsed ? (row.ppoll ? "ppoll" : "noppoll") : "?",
            fmt::format("{}/{}", g.ok_runs, g.runs), g.disturbed, fmt_range(g.get(Metric::kCpu)),
            fmt_range(g.get(Metric::kWorkloadCpu)), e ? "<= " + fmt_num(e->max) : "-",
            fmt_range(g.get(Metric::kVcpuThreadCpu)), fmt_range(g.get(Metric::kLateP50)),
            fmt_range(g.get(Metric::kLateP90)), p99, p999,
            n ? fmt::format("{:.0f}", n->median) : "-");
        if (ping)
            line += fmt::format(" {:<18} {:<18}", fmt_range(g.get(Metric::kPingP50)),
                                fmt_range(g.get(Metric::kPingP99)));
        const auto waits = g.get(Metric::kGlueWaits);
        line += fmt::format(" {:<16}", waits ? fmt_range(waits) : "-");
        const std::string up = parsed ? tcg_upstream_row(row) : "";
        auto r = [&](Metric m) {
            if (!parsed || g.governor == up) return std::string("-");
            return format_interval(paired_ratio(groups, g, up, m), intervals, blocks);
        };
        line += fmt::format(" {:>{}} {:>{}} {:>{}}", r(Metric::kWorkloadCpu), rw,
                            r(Metric::kLateP50), rw, r(Metric::kLateP99), rw);
        out += line + "\n";
        if (!g.tcg_stats.empty()) with_stats.push_back(&g);
    }
    for (const Group *g : with_stats) {
        out += fmt::format("  {}: wfisleep's stats at exit (last completed run):\n", g->governor);
        for (const auto &l : g->tcg_stats) out += "    " + l + "\n";
    }
    return out;
}

}  // namespace

std::string format_tables(const std::vector<Group> &groups, double seconds, int repeat,
                          bool intervals, const std::string &commit) {
    std::string out;
    size_t i = 0;
    bool any_trap_loop = false, any_approx = false, any_disturbed = false, any_macos = false,
         any_gov_return = false, any_tcg = false, any_vm = false, any_advance = false,
         any_match = false;
    while (i < groups.size()) {
        size_t j = i;
        while (j < groups.size() && groups[j].scenario == groups[i].scenario) j++;
        const std::string &sc = groups[i].scenario;
        if (is_tcg_scenario(sc)) {
            out += tcg_table(groups, i, j, intervals, commit);
            any_tcg = true;
            i = j;
            continue;
        }
        any_vm = true;
        bool any_wake = false, any_work = false, any_ret = false, any_adv = false;
        for (size_t k = i; k < j; k++) {
            any_adv = any_adv || groups[k].get(Metric::kAdvanceP50).has_value();
            any_wake = any_wake || groups[k].get(Metric::kWakeP50).has_value();
            any_work = any_work || groups[k].get(Metric::kWorkRate).has_value();
            any_ret = any_ret || groups[k].get(Metric::kGovReturnP50).has_value();
        }
        any_gov_return = any_gov_return || any_ret;
        Metric key = key_metric(sc);
        any_macos = any_macos || sc.find("host=macos") != std::string::npos;
        out += fmt::format(
            "\n== {}  ({} vCPU{}, {} s x {} blocks{}; median (min-max) of completed runs)\n", sc,
            groups[i].vcpus, groups[i].vcpus == 1 ? "" : "s", seconds, repeat,
            commit.empty() ? "" : ", commit " + commit);
        const int rw = intervals ? 25 : 12;
        std::string head =
            fmt::format("{:<22} {:<9} {:>5} {:>4}  {:<18} {:<18} {:<17} {:<18} {:<18}", "governor",
                        "backend", "ok", "dist", "host CPU %", "workload CPU %", "governor CPU %",
                        "lateness p50 us", "lateness p99 us");
        head += fmt::format(" {:<15}", "n/run (missed)");
        if (any_ret)
            head += fmt::format(" {:<18} {:<18}", "gov return p50 us", "gov return p99 us");
        if (any_wake) head += fmt::format(" {:<18} {:<18}", "wake p50 us", "wake p99 us");
        if (any_work) head += fmt::format(" {:<20}", "work units/s");
        if (any_adv) head += fmt::format(" {:<13}", "advance us");
        any_advance = any_advance || any_adv;
        std::vector<std::string> govs;
        for (size_t k = i; k < j; k++) govs.push_back(groups[k].governor);
        const std::string partner = spin_match_partner(govs);
        std::string ks = key_short(key);
        head += fmt::format(" {:>{}} {:>{}} {:>{}} {:>{}}", "wCPU/off", rw, "wCPU/seed", rw,
                            ks + "/off", rw, ks + "/seed", rw);
        out += head + "\n";
        for (size_t k = i; k < j; k++) {
            const Group &g = groups[k];
            std::string gov_cpu = fmt_range(g.get(Metric::kGovernorCpu));
            if (!g.get(Metric::kGovernorCpu) && !g.peer && g.ok_runs > 0) {
                gov_cpu = "trap loop";
                any_trap_loop = true;
            }
            std::string late99 = fmt_range(g.get(Metric::kLateP99));
            if (g.approx) {
                late99 += " ~";
                any_approx = true;
            }
            if (g.disturbed) any_disturbed = true;
            std::string line = fmt::format(
                "{:<22} {:<9} {:>5} {:>4}  {:<18} {:<18} {:<17} {:<18} {:<18}", g.governor,
                backend_name(g.backend), fmt::format("{}/{}", g.ok_runs, g.runs), g.disturbed,
                fmt_range(g.get(Metric::kCpu)), fmt_range(g.get(Metric::kWorkloadCpu)), gov_cpu,
                fmt_range(g.get(Metric::kLateP50)), late99);
            line += fmt::format(" {:<15}", samples_per_run(g));
            if (any_ret)
                line += fmt::format(" {:<18} {:<18}", fmt_range(g.get(Metric::kGovReturnP50)),
                                    fmt_range(g.get(Metric::kGovReturnP99)));
            if (any_wake)
                line += fmt::format(" {:<18} {:<18}", fmt_range(g.get(Metric::kWakeP50)),
                                    fmt_range(g.get(Metric::kWakeP99)));
            if (any_work) line += fmt::format(" {:<20}", fmt_range(g.get(Metric::kWorkRate)));
            if (any_adv) line += fmt::format(" {:<13}", advance_cell(g));
            auto r = [&](const char *ref, Metric m) {
                return format_interval(paired_ratio(groups, g, ref, m), intervals, repeat);
            };
            line += fmt::format(" {:>{}} {:>{}} {:>{}} {:>{}}", r("off", Metric::kWorkloadCpu), rw,
                                r("seed:max_us=100", Metric::kWorkloadCpu), rw, r("off", key), rw,
                                r("seed:max_us=100", key), rw);
            if (g.lost) line += fmt::format("  LOST {}", g.lost);
            if (is_spin_match_row(g.governor) && !partner.empty()) {
                // How well the matched baseline matched: its spin per timer
                // interrupt over the partner's, paired by block.
                line +=
                    fmt::format("  spin/{} {}", partner, r(partner.c_str(), Metric::kSpinPerWake));
                any_match = true;
            }
            out += line + "\n";
        }
        i = j;
    }
    if (any_vm)
        out +=
            "\nRatios: the row over `off` (or `seed:max_us=100`) on the same scenario, paired by "
            "block; wCPU = workload CPU %,\n"
            "p99 = timer lateness p99, wake50 = host raise-to-ack latency p50, work = busy-vCPU "
            "work units/s.\n";
    else
        out += "\n";
    if (intervals)
        out += std::string(kIntervalMethod) + "; [lo, hi] shown, none below 6 blocks.\n";
    else
        out += "--quick: ratios are Hodges-Lehmann estimates without intervals.\n";
    if (any_vm) out += kTailsNote;
    if (any_gov_return)
        out +=
            "gov return = how late the governor's wait returned past its deadline (host clock, "
            "before the VM entry\n"
            "path and the guest's handler); '-' for peers (no such wait) and for off (it returns "
            "at "
            "once,\n"
            "before the deadline). The goals judge what a governor controls (its own return, "
            "its spin, CPU);\n"
            "the guest-observed figures, which carry the VM exit/injection/entry path, are "
            "printed beside off's floor.\n";
    if (any_advance) out += kAdvanceNote;
    if (any_match)
        out +=
            "spin/adaptive after a us=match or us=cpumatch row: its poll + spin per timer "
            "interrupt over adaptive's, paired by block\n"
            "(us=match matches the nominal spin, us=cpumatch the CPU; the A per block is in the "
            "notes).\n";
    if (any_approx)
        out +=
            "~ = some runs' lateness came from the guest's histogram (approx: bucket lower "
            "edges).\n";
    if (any_trap_loop)
        out +=
            "governor CPU % 'trap loop': off and qemu10 are busy in KVM_RUN round trips, not "
            "in a poll or spin phase.\n";
    if (any_macos)
        out +=
            "host=macos rows: the real Linux host plus a MODEL of macOS timer coalescing on every "
            "governor's bounded sleep, not a Mac measurement.\n";
    if (any_tcg)
        out +=
            "Real QEMU (linux-* scenarios): lat = cyclictest's wake-up latency in the guest "
            "(exact, "
            "1 us histogram; ~ = a\n"
            "percentile fell in its >= 20 ms overflow and shows its max); +- err = the largest "
            "workload CPU error bound\n"
            "over the runs (read lag at the MARK lines x cores / window); vCPU thr = QEMU's "
            "'CPU n/TCG' threads; glue waits =\n"
            "waits the wfisleep glue entered per run; ratios over the upstream build with the same "
            "main loop, paired by block.\n"
            "loop noppoll = QEMU's own main-loop code where ppoll() is missing (whole-ms "
            "timeouts), "
            "run on Linux: not a Mac.\n";
    if (any_disturbed)
        out +=
            "dist = runs flagged disturbed by the rule in docs/bench.md (wake-up probe, "
            "steal).\n";
    return out;
}

std::string format_goals(const std::vector<GoalResult> &goals) {
    std::string out =
        "\nGoals (paired blocks; G1-G5: exact one-sided signed-rank tests, Holm within each goal "
        "at 5% per side, each interval at its Holm level; G6: 95% intervals; never tuned to "
        "pass):\n";
    for (const auto &g : goals) {
        out += fmt::format("  {}: {}{}{} - {}\n", g.id, verdict_label(g.verdict),
                           g.quick ? " (quick)" : "",
                           g.simulated ? " (SIMULATED backend: not a real result)" : "", g.title);
        if (g.min_blocks > 0 && g.blocks > 0 && g.blocks < g.min_blocks)
            out += fmt::format(
                "      WARNING: {} blocks; its checks need at least {} to be decided at all\n",
                g.blocks, g.min_blocks);
        for (const auto &m : g.missing) out += "      missing: " + m + "\n";
        for (const auto &c : g.checks) {
            if (!c.not_evaluated.empty()) {
                out += fmt::format("      {} {} {}: not evaluated: {}\n", c.name, c.op,
                                   fmt_num(c.bound), c.not_evaluated);
                continue;
            }
            std::string ci = c.ci_low && c.ci_high
                                 ? fmt::format("{:.4g}% [{}, {}]", c.coverage * 100,
                                               fmt_num(*c.ci_low), fmt_num(*c.ci_high))
                                 : "[no interval]";
            out += fmt::format("      {} = {} {} {} {}: {} ({}/{} pairs)\n", c.name,
                               fmt_num(c.value), ci, c.op, fmt_num(c.bound),
                               verdict_label(c.verdict), c.pairs, g.blocks);
        }
        for (const auto &x : g.info) {
            std::string ci = x.ci_low && x.ci_high
                                 ? fmt::format(" [{}, {}]", fmt_num(*x.ci_low), fmt_num(*x.ci_high))
                                 : "";
            out += fmt::format("      (for reference) {} = {}{}\n", x.name, fmt_num(x.value), ci);
        }
        if (g.min_blocks > 0)
            out += fmt::format("      (decidable from {} blocks)\n", g.min_blocks);
    }
    return out;
}

std::string format_flagged(const std::vector<RunResult> &runs, const std::set<int> &blocks,
                           const std::vector<GoalResult> &goals_unflagged) {
    if (blocks.empty()) return "\nDisturbed runs (the rule in docs/bench.md): none flagged.\n";
    std::string out = "\nDisturbed runs (the rule in docs/bench.md), reported apart:\n";
    for (const auto &r : runs)
        if (r.disturbed)
            out += fmt::format("  block {}: {} / {}: {}\n", r.plan.repeat, r.plan.scenario,
                               r.plan.governor, r.disturbed_why);
    std::string list;
    for (int b : blocks) list += (list.empty() ? "" : ", ") + std::to_string(b);
    if (goals_unflagged.empty()) return out;
    out += fmt::format("Goals without the flagged blocks ({}); the verdicts above stand:\n", list);
    for (const auto &g : goals_unflagged)
        out += fmt::format("  {}: {}\n", g.id, verdict_label(g.verdict));
    return out;
}

std::string format_skips(const std::vector<Skip> &skips) {
    std::string out;
    for (const auto &s : skips)
        out += fmt::format("skipped: {} on {}: {}\n", s.governor, s.scenario, s.reason);
    return out;
}

}  // namespace wfisbench
