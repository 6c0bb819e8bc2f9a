// report_markdown.cc - turns results/bench.json into the README's results section.
#include "report_markdown.h"

#include <fmt/format.h>

#include "learned_advance.h"
#include "report_json.h"
#include "report_table.h"
#include "report_vm_sharing.h"
#include "tcg_spec.h"

namespace wfisbench {

namespace {

using nlohmann::json;

// "median (min-max)" from a summary range object, "-" for null.
std::string rng(const json &r) {
    if (!r.is_object()) return "-";
    Range x;
    x.median = r.value("median", 0.0);
    x.min = r.value("min", 0.0);
    x.max = r.value("max", 0.0);
    x.n = r.value("n", 0);
    x.of = r.value("of", 0);
    return fmt_range(x);
}

// "0.85 [0.80, 0.91]" from a ratio and its <key>_ci beside it, with
// "(k/K)" when it paired only k of the K blocks.
std::string ratio(const json &r, const char *key, int blocks) {
    auto it = r.find(key);
    if (it == r.end() || !it->is_number()) return "-";
    std::string out = fmt::format("{:.2f}", it->get<double>());
    auto ci = r.find(std::string(key) + "_ci");
    if (ci != r.end() && ci->is_array() && ci->size() == 2)
        out += fmt::format(" [{:.2f}, {:.2f}]", (*ci)[0].get<double>(), (*ci)[1].get<double>());
    const int pairs = r.value(std::string(key) + "_pairs", blocks);
    if (pairs < blocks) out += fmt::format(" ({}/{})", pairs, blocks);
    return out;
}

// The median of summary range `key`, nullopt when it is null or absent.
std::optional<double> median_of(const json &row, const char *key) {
    auto it = row.find(key);
    if (it == row.end() || !it->is_object()) return std::nullopt;
    return it->value("median", 0.0);
}

bool any_non_null(const json &rows, const std::string &scenario, const char *key) {
    for (const auto &s : rows)
        if (s.value("scenario", "") == scenario && s.contains(key) && !s[key].is_null())
            return true;
    return false;
}

// A linux-* scenario's table: the real-QEMU rows, each over the upstream
// build with the same main loop (the test bed's off/seed columns mean
// nothing here).
std::string tcg_markdown(const json &rows, const std::string &sc, const std::string &commit,
                         int blocks, double seconds) {
    int vcpus = 1;
    bool ping = any_non_null(rows, sc, "ping_rtt_p50_us");
    for (const auto &s : rows)
        if (s.value("scenario", "") == sc) vcpus = s.value("vcpus", 1);
    std::string md = fmt::format(
        "**`{}`** (real QEMU 10.2, TCG, arm64 Linux guest; {} vCPU{}, {:g} s workload per run; "
        "commit `{}`, {} blocks)\n\n",
        sc, vcpus, vcpus == 1 ? "" : "s", seconds, commit, blocks);
    md +=
        "| row | runs ok | disturbed | host CPU % | workload CPU % | window error % | vCPU "
        "threads CPU % | lateness p50 us | p90 us | p99 us | n/run |";
    std::string sep = "|---|---|---|---|---|---|---|---|---|---|---|";
    if (ping) {
        md += " ping p50 us | ping p99 us |";
        sep += "---|---|";
    }
    md += " glue waits | wCPU / upstream | p50 / upstream | p99 / upstream |\n";
    md += sep + "---|---|---|---|\n";
    for (const auto &s : rows) {
        if (s.value("scenario", "") != sc) continue;
        const json &r = s["ratios"];
        const bool self = r.value("upstream", "") == s.value("governor", "");
        auto vs = [&](const char *key) { return self ? std::string("-") : ratio(r, key, blocks); };
        md += fmt::format("| `{}` | {}/{} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                          s.value("governor", ""), s.value("ok_runs", 0), s.value("runs", 0),
                          s.value("disturbed_runs", 0), rng(s["host_cpu_pct"]),
                          rng(s.value("workload_cpu_pct", json())),
                          rng(s.value("workload_cpu_error_pct", json())),
                          rng(s.value("vcpu_threads_cpu_pct", json())),
                          rng(s["timer_lateness_p50_us"]), rng(s["timer_lateness_p90_us"]),
                          rng(s["timer_lateness_p99_us"]), rng(s["timer_lateness_count"]));
        if (ping)
            md += fmt::format(" {} | {} |", rng(s.value("ping_rtt_p50_us", json())),
                              rng(s.value("ping_rtt_p99_us", json())));
        md += fmt::format(" {} | {} | {} | {} |\n", rng(s.value("glue_waits_entered", json())),
                          vs("workload_cpu_vs_upstream"), vs("lateness_p50_vs_upstream"),
                          vs("lateness_p99_vs_upstream"));
    }
    return md + "\n";
}

}  // namespace

std::string results_markdown(const json &doc, const std::string &plot_path, std::string *err) {
    if (!doc.is_object() || !doc.contains("machine") || !doc.contains("summary") ||
        !doc.contains("bench") || !doc.contains("goals")) {
        *err = "not a wfisleep-bench JSON document (needs machine, bench, summary, goals)";
        return {};
    }
    const json &m = doc["machine"], &b = doc["bench"], &rows = doc["summary"];
    const int blocks = b.value("repeat", 0);
    std::string commit = json_text(m, "git_commit", "unknown");
    if (commit.size() > 12 && commit.find("-dirty") == std::string::npos) commit.resize(12);
    std::string md = fmt::format(
        "Measured by `scripts/bench.sh` on {} ({} with {} cores, {}, KVM module {}, "
        "halt_poll_ns {}; {}), 1-minute load {} at start and {} at end, commit `{}`. "
        "{} runs, {}; {} s per run, {} blocks, each running every row once in a "
        "permutation drawn from the seed; figures are median (min-max) over the blocks of "
        "per-run exact percentiles; ratios are over `off`'s and `seed:max_us=100`'s paired by "
        "block, with {}. Seed {}.\n\n",
        json_text(m, "date"), json_text(m, "cpu_model"), json_text(m, "nproc"),
        json_text(m, "kernel"), json_text(m, "kvm_module", "none"),
        json_text(m, "kvm_halt_poll_ns", "n/a"), json_text(m, "qemu_version", "QEMU not installed"),
        json_text(m, "load_1m_at_start"), json_text(m, "load_1m_at_end"), commit,
        doc.contains("runs") && doc["runs"].is_array() ? doc["runs"].size() : 0,
        vm_sharing_clause(doc), json_text(b, "seconds"), json_text(b, "repeat"),
        b.contains("interval_method") && b["interval_method"].is_string()
            ? b["interval_method"].get<std::string>()
            : std::string("no intervals (--quick)"),
        json_text(doc, "seed"));
    for (const auto &n : b.value("notes", json::array())) md += "- " + n.get<std::string>() + "\n";
    if (b.contains("notes") && !b["notes"].empty()) md += "\n";

    std::vector<std::string> scenarios;
    for (const auto &s : rows) {
        std::string sc = s.value("scenario", "");
        if (std::find(scenarios.begin(), scenarios.end(), sc) == scenarios.end())
            scenarios.push_back(sc);
    }
    for (const auto &sc : scenarios) {
        if (is_tcg_scenario(sc)) {
            // The real-QEMU rows run in the first blocks only.
            const json tcg = b.value("qemu_tcg", json::object());
            md += tcg_markdown(rows, sc, commit, tcg.value("blocks", blocks),
                               tcg.value("seconds", 0.0));
            continue;
        }
        bool wake = any_non_null(rows, sc, "wake_latency_p50_us");
        bool work = any_non_null(rows, sc, "work_rate");
        bool ret = any_non_null(rows, sc, "governor_return_p50_us");
        bool adv = any_non_null(rows, sc, "learned_advance_p50_us");
        std::string key;
        int vcpus = 1;
        for (const auto &s : rows)
            if (s.value("scenario", "") == sc) {
                key = s["ratios"].value("key_metric", "");
                // Short column names: "timer lateness p99 us" -> "p99" and so on.
                if (key.find("timer lateness") == 0)
                    key = key.substr(15, 3);
                else if (key.find("wake latency") == 0)
                    key = "wake " + key.substr(13, 3);
                else if (key.find("work") == 0)
                    key = "work";
                vcpus = s.value("vcpus", 1);
            }
        // Every table names the commit and the run it comes from.
        md += fmt::format("**`{}`** ({} vCPU{}; commit `{}`, {} blocks)\n\n", sc, vcpus,
                          vcpus == 1 ? "" : "s", commit, blocks);
        md +=
            "| governor | backend | runs ok | disturbed | host CPU % | workload CPU % | governor "
            "CPU % | timer lateness p50 us | p99 us |";
        std::string sep = "|---|---|---|---|---|---|---|---|---|";
        if (ret) {
            md += " gov return p50 us | gov return p99 us |";
            sep += "---|---|";
        }
        if (wake) {
            md += " wake p50 us | wake p99 us |";
            sep += "---|---|";
        }
        if (work) {
            md += " work units/s |";
            sep += "---|";
        }
        if (adv) {
            md += " advance us |";
            sep += "---|";
        }
        md += fmt::format(" wCPU / off | wCPU / seed | {} / off | {} / seed |\n", key, key);
        md += sep + "---|---|---|---|\n";
        for (const auto &s : rows) {
            if (s.value("scenario", "") != sc) continue;
            std::string p99 = rng(s["timer_lateness_p99_us"]);
            if (s.value("lateness_approx", false)) p99 += " (approx)";
            md += fmt::format(
                "| `{}` | {} | {}/{} | {} | {} | {} | {} | {} | {} |", s.value("governor", ""),
                s.value("backend", ""), s.value("ok_runs", 0), s.value("runs", 0),
                s.value("disturbed_runs", 0), rng(s["host_cpu_pct"]),
                rng(s.value("workload_cpu_pct", json())), rng(s.value("governor_cpu_pct", json())),
                rng(s["timer_lateness_p50_us"]), p99);
            if (ret)
                md += fmt::format(" {} | {} |", rng(s.value("governor_return_p50_us", json())),
                                  rng(s.value("governor_return_p99_us", json())));
            if (wake)
                md += fmt::format(" {} | {} |", rng(s["wake_latency_p50_us"]),
                                  rng(s["wake_latency_p99_us"]));
            if (work) md += fmt::format(" {} |", rng(s["work_rate"]));
            if (adv)
                md += fmt::format(" {} |", advance_cell(median_of(s, "learned_advance_p50_us"),
                                                        median_of(s, "learned_advance_max_us")));
            const json &r = s["ratios"];
            md += fmt::format(" {} | {} | {} | {} |\n", ratio(r, "workload_cpu_vs_off", blocks),
                              ratio(r, "workload_cpu_vs_seed", blocks),
                              ratio(r, "key_vs_off", blocks), ratio(r, "key_vs_seed", blocks));
        }
        md += "\n";
    }
    md +=
        "Percentiles per run are exact: p50/p90/p99 from 100 samples per run, p99.9 from 1000 "
        "(`-` otherwise); a missed tick is a sample, late until the next handled tick. `[k/N]` "
        "after a median: only k of the N completed runs had that figure; `(k/K)` after a ratio: "
        "it paired only k of the K blocks. governor CPU % is `-` for `off` and `qemu10` (their "
        "busy time is a "
        "trap loop, not a poll or spin phase) and for the peers. gov return is how late the "
        "governor's own wait returned past its deadline on the host clock, before the VM entry "
        "path and the guest's handler (`-` for the peers, which have no such wait, and for `off`, "
        "which returns before the deadline); the goals "
        "judge what a governor controls (its own return, spin per wake, CPU, work rate) and "
        "print the guest-observed figures beside `off`'s floor (the VM exit/injection/entry "
        "path no governor can go below). advance us is adaptive's learned wake-up advance: the "
        "p50 and the max over the sleep-length classes that learned anything (all vCPUs), each "
        "the median over the blocks.\n\n";
    md +=
        "Goals, judged on this run's paired blocks (G1-G5: exact one-sided signed-rank tests "
        "with Holm's correction within each goal at 5% per side, each interval printed at its "
        "Holm level; G6: 95% intervals; met: the interval lies on the good side of the bound; "
        "NOT met: wholly on the bad side; inconclusive otherwise), never tuned to pass:\n\n";
    for (const auto &g : doc["goals"]) {
        std::string v = g.value("verdict", "?");
        if (g.value("quick", false)) v += " (quick)";
        md +=
            fmt::format("- **{}: {}**{} - {}\n", g.value("id", "?"), v == "not met" ? "NOT met" : v,
                        g.value("simulated", false) ? " (simulated backend, not real)" : "",
                        g.value("title", ""));
        const int have = g.value("blocks", 0), need = g.value("min_blocks", 0);
        if (need > 0 && have > 0 && have < need)
            md += fmt::format("  - WARNING: {} blocks; its checks need at least {}\n", have, need);
        for (const auto &x : g.value("missing", json::array()))
            md += "  - missing: " + x.get<std::string>() + "\n";
        for (const auto &c : g.value("checks", json::array())) {
            if (c.contains("not_evaluated") && c["not_evaluated"].is_string()) {
                md += fmt::format("  - {} {} {}: not evaluated: {}\n", c.value("name", ""),
                                  c.value("op", ""), json_num(c["bound"]),
                                  c["not_evaluated"].get<std::string>());
                continue;
            }
            std::string ci =
                c["ci_low"].is_number() && c["ci_high"].is_number()
                    ? fmt::format("[{}, {}]", json_num(c["ci_low"]), json_num(c["ci_high"]))
                    : "[no interval]";
            std::string cv = c.value("verdict", "?");
            md += fmt::format("  - {} = {} {} {} {}: {}\n", c.value("name", ""),
                              json_num(c["value"]), ci, c.value("op", ""), json_num(c["bound"]),
                              cv == "not met" ? "NOT met" : cv);
        }
        for (const auto &x : g.value("info", json::array()))
            md += fmt::format("  - (for reference) {} = {}\n", x.value("name", ""),
                              json_num(x["value"]));
    }
    const json skipped = b.value("skipped", json::array());
    if (!skipped.empty()) {
        md += "\nSkipped peers:\n\n";
        for (const auto &s : skipped)
            md += fmt::format("- `{}` on `{}`: {}\n", s.value("governor", ""),
                              s.value("scenario", ""), s.value("reason", ""));
    }
    if (!plot_path.empty())
        md += fmt::format(
            "\n![per scenario: workload CPU vs lateness p99 per governor and the pooled "
            "lateness distribution; compute: work-rate bars]({})\n",
            plot_path);
    return md;
}

}  // namespace wfisbench
