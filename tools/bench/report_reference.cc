// report_reference.cc - the sweep tables: every governor of a scenario over one reference row.
#include "report_reference.h"

#include <fmt/format.h>

#include "intervals.h"
#include "report_table.h"

namespace wfisbench {

std::string format_reference_tables(const std::vector<Group> &groups, const std::string &reference,
                                    bool intervals, const std::string &commit) {
    std::string out;
    for (size_t i = 0; i < groups.size();) {
        size_t j = i;
        while (j < groups.size() && groups[j].scenario == groups[i].scenario) j++;
        const std::string &sc = groups[i].scenario;
        if (find_group(groups, sc, reference) == nullptr) {
            i = j;
            continue;
        }
        // The scenario's own latency: wake latency for pingpong/burst,
        // timer lateness otherwise; compute adds its work rate.
        const bool wake = key_metric(sc) == Metric::kWakeP50;
        const Metric p50 = wake ? Metric::kWakeP50 : Metric::kLateP50;
        const Metric p99 = wake ? Metric::kWakeP99 : Metric::kLateP99;
        bool work = false;
        for (size_t k = i; k < j; k++) work = work || groups[k].get(Metric::kWorkRate).has_value();
        out +=
            fmt::format("\n**`{}`** over `{}` (median of blocks; ratios paired by block{}{})\n\n",
                        sc, reference, intervals ? ", 95% CI" : ", no intervals (--quick)",
                        commit.empty() ? "" : "; commit `" + commit + "`");
        out += fmt::format(
            "| governor | {} p50 us | p99 us | gov return p50 us | gov return p99 us | governor "
            "CPU % | workload CPU % |{} p50 / ref | p99 / ref | return p50 / ref | return p99 / "
            "ref | wCPU / ref |{}\n|---|---|---|---|---|---|---|{}---|---|---|---|---|{}\n",
            wake ? "wake latency" : "lateness", work ? " work units/s |" : "",
            work ? " work / ref |" : "", work ? "---|" : "", work ? "---|" : "");
        for (size_t k = i; k < j; k++) {
            const Group &g = groups[k];
            auto med = [&](Metric m) {
                auto r = g.get(m);
                return r ? fmt_num(r->median) : std::string("-");
            };
            auto rat = [&](Metric m) {
                return format_interval(paired_ratio(groups, g, reference, m), intervals);
            };
            out += fmt::format(
                "| `{}` | {} | {} | {} | {} | {} | {} |{} {} | {} | {} | {} | {} |{}\n", g.governor,
                med(p50), med(p99), med(Metric::kGovReturnP50), med(Metric::kGovReturnP99),
                med(Metric::kGovernorCpu), med(Metric::kWorkloadCpu),
                work ? " " + med(Metric::kWorkRate) + " |" : "", rat(p50), rat(p99),
                rat(Metric::kGovReturnP50), rat(Metric::kGovReturnP99), rat(Metric::kWorkloadCpu),
                work ? " " + rat(Metric::kWorkRate) + " |" : "");
        }
        i = j;
    }
    return out;
}

}  // namespace wfisbench
