// report_summary.cc - the README's results summary from results/bench.json.
#include "report_summary.h"

#include <fmt/format.h>

#include "report_json.h"
#include "report_vm_sharing.h"

namespace wfisbench {

namespace {

using nlohmann::json;

std::string label(const std::string &verdict) {
    return verdict == "not met" ? "NOT met" : verdict;
}

// "median [k/N]" of a summary range, "-" for null.
std::string median(const json &r) {
    if (!r.is_object()) return "-";
    const int n = r.value("n", 0), of = r.value("of", 0);
    return json_num(r["median"]) + (of > n ? fmt::format(" [{}/{}]", n, of) : "");
}

std::string goals_table(const json &goals, int blocks) {
    std::string md =
        "| goal | check | estimate | interval (level) | pairs | bound | verdict |\n"
        "|---|---|---|---|---|---|---|\n";
    for (const auto &g : goals) {
        const std::string head =
            fmt::format("**{}**: {}", g.value("id", "?"), label(g.value("verdict", "?")));
        if (g.value("checks", json::array()).empty() ||
            !g.value("missing", json::array()).empty()) {
            std::string why;
            for (const auto &m : g.value("missing", json::array()))
                why += (why.empty() ? "" : "; ") + m.get<std::string>();
            md += fmt::format("| {} | {} | | | | | |\n", head, why.empty() ? "-" : why);
            continue;
        }
        bool first = true;
        for (const auto &c : g["checks"]) {
            if (c.contains("not_evaluated") && c["not_evaluated"].is_string()) {
                md += fmt::format("| {} | {} | | | | {} {} | not evaluated: {} |\n",
                                  first ? head : "", c.value("name", ""), c.value("op", ""),
                                  json_num(c["bound"]), c["not_evaluated"].get<std::string>());
                first = false;
                continue;
            }
            const double cov = c.value("coverage", 0.95);
            const std::string ci = c["ci_low"].is_number() && c["ci_high"].is_number()
                                       ? fmt::format("[{}, {}] ({:.4g}%)", json_num(c["ci_low"]),
                                                     json_num(c["ci_high"]), cov * 100)
                                       : "none";
            md += fmt::format("| {} | {} | {} | {} | {}/{} | {} {} | {} |\n", first ? head : "",
                              c.value("name", ""), json_num(c["value"]), ci, c.value("pairs", 0),
                              g.value("blocks", blocks), c.value("op", ""), json_num(c["bound"]),
                              label(c.value("verdict", "?")));
            first = false;
        }
    }
    return md;
}

// Without evaluated goals: each row's workload CPU and lateness, medians.
std::string rows_table(const json &rows) {
    std::string md =
        "| scenario | governor | workload CPU % | lateness p50 us | lateness p99 us |\n"
        "|---|---|---|---|---|\n";
    for (const auto &s : rows)
        md += fmt::format("| `{}` | `{}` | {} | {} | {} |\n", s.value("scenario", ""),
                          s.value("governor", ""), median(s.value("workload_cpu_pct", json())),
                          median(s.value("timer_lateness_p50_us", json())),
                          median(s.value("timer_lateness_p99_us", json())));
    return md;
}

std::string flagged(const json &doc) {
    std::string runs;
    int n = 0;
    for (const auto &r : doc["runs"])
        if (r.value("disturbed", false)) {
            n++;
            runs += fmt::format("\n- block {}, `{}` / `{}`: {}", r.value("repeat", 0),
                                r.value("scenario", ""), r.value("governor", ""),
                                json_text(r, "disturbed_why", "flagged"));
        }
    if (n == 0)
        return "Runs flagged disturbed by the rule in docs/bench.md (wake-up probe, steal): "
               "none.\n";
    std::string md = fmt::format(
        "Runs flagged disturbed by the rule in docs/bench.md (they stay in the figures):{}\n",
        runs);
    const json apart = doc.value("goals_unflagged", json::array());
    bool any_evaluated = false;  // a run without goals (seed values, sweeps) has nothing to add
    for (const auto &g : apart)
        any_evaluated = any_evaluated || g.value("verdict", "") != "not evaluated";
    if (any_evaluated) {
        md +=
            "\nThe goals judged again without the blocks holding them (reported apart; the "
            "verdicts above stand):";
        for (const auto &g : apart)
            md += fmt::format(" {} {};", g.value("id", "?"), label(g.value("verdict", "?")));
        md.back() = '.';
        md += "\n";
    }
    return md;
}

}  // namespace

std::string summary_markdown(const json &doc, const std::string &plot_path,
                             const std::string &full_link, std::string *err) {
    if (!doc.is_object() || !doc.contains("machine") || !doc.contains("summary") ||
        !doc.contains("bench") || !doc.contains("goals") || !doc.contains("runs")) {
        *err = "not a wfisleep-bench JSON document (needs machine, bench, runs, summary, goals)";
        return {};
    }
    const json &m = doc["machine"], &b = doc["bench"];
    const int blocks = b.value("repeat", 0);
    std::string md = fmt::format(
        "From one `wfisleep-bench` run at commit `{}` ({}): {} runs of {} s, {}, in {} blocks "
        "on {} ({} cores, {}). Full tables: [{}]({}).\n\n",
        json_text(m, "git_commit", "unknown"), json_text(m, "date"), doc["runs"].size(),
        json_text(b, "seconds"), vm_sharing_clause(doc), blocks, json_text(m, "cpu_model"),
        json_text(m, "nproc"), json_text(m, "kvm_module", "no KVM"), full_link, full_link);
    bool evaluated = false;
    for (const auto &g : doc["goals"])
        evaluated = evaluated || g.value("verdict", "") != "not evaluated";
    md += evaluated ? goals_table(doc["goals"], blocks) : rows_table(doc["summary"]);
    md += "\n" + flagged(doc);
    if (!plot_path.empty())
        md += fmt::format(
            "\n![per scenario: workload CPU vs lateness p99 per governor and the pooled lateness "
            "distribution; compute: work-rate bars]({})\n",
            plot_path);
    if (evaluated)
        md += fmt::format(
            "\n**What these figures mean, and what they do not.** Each goal compares `adaptive` "
            "with baselines measured in the same {} blocks on this {}-core nested Linux KVM host; "
            "the estimate is the median of the per-block ratios' Walsh averages, and a verdict is "
            "met or NOT met only when the whole interval (at the check's Holm-adjusted level; "
            "95% for G6) lies on one side of the bound. "
            "\"Inconclusive\" means this run could not tell, not that a goal is half met. The "
            "figures rank the governors here; they are not Mac measurements (the macOS rows apply "
            "a model of macOS timer coalescing on Linux), and absolute CPU and latency include "
            "this test bed's own costs (a VM exit costs about 13 us on this nested host), so only "
            "ratios within a block carry over to other machines.\n",
            blocks, json_text(m, "nproc"));
    return md;
}

}  // namespace wfisbench
