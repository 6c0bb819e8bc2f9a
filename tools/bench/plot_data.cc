// plot_data.cc - the picture's figures from the bench JSON: block values -> median and interval.
#include "plot_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "scenario_match.h"
#include "spec.h"

namespace wfisbench {

using nlohmann::json;

namespace {

std::optional<double> num(const json &j, const char *key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
}

std::string text(const json &j, const char *key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A quantile of a run's latency object ("timer_lateness_us" / "wake_latency_us").
std::optional<double> quantile_of(const json &run, const char *key, const char *q) {
    auto it = run.find(key);
    if (it == run.end() || !it->is_object()) return std::nullopt;
    return num(*it, q);
}

// The summary's CDF points; an older JSON's 1-2-5 grid gets the pooled
// quantiles merged in (each is a point of the same exact CDF).
void read_cdf(const json &s, bool wake, PlotRow *row) {
    const char *cdf_key = wake ? "wake_latency_cdf" : "timer_lateness_cdf";
    const char *pooled_key = wake ? "wake_latency_pooled_us" : "timer_lateness_pooled_us";
    auto it = s.find(cdf_key);
    if (it == s.end() || !it->is_array()) return;
    for (const auto &p : *it)
        if (p.is_array() && p.size() == 2 && p[0].is_number() && p[1].is_number())
            row->cdf.emplace_back(p[0].get<double>(), p[1].get<double>());
    auto pooled = s.find(pooled_key);
    if (pooled != s.end() && pooled->is_object())
        row->cdf_count = static_cast<uint64_t>(num(*pooled, "count").value_or(0));
    row->cdf_coarse = !s.contains("cdf_points_per_decade") && !row->cdf.empty();
    if (row->cdf_coarse && pooled != s.end() && pooled->is_object()) {
        const std::pair<const char *, double> qs[] = {
            {"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99_9", 0.999}, {"max", 1.0}};
        for (const auto &[k, q] : qs)
            if (auto x = num(*pooled, k)) row->cdf.emplace_back(*x, q);
        std::sort(row->cdf.begin(), row->cdf.end());
        // The grid ends at the first step past the largest sample: cut at it.
        if (auto mx = num(*pooled, "max"))
            row->cdf.erase(std::remove_if(row->cdf.begin(), row->cdf.end(),
                                          [&](const auto &p) { return p.first > *mx; }),
                           row->cdf.end());
    }
}

}  // namespace

bool is_ours(const std::string &governor) {
    return governor.rfind("adaptive", 0) == 0;
}

std::optional<PlotData> plot_data(const json &doc, std::string *err) {
    if (!doc.is_object() || !doc.contains("runs") || !doc["runs"].is_array() ||
        !doc.contains("summary") || !doc["summary"].is_array()) {
        *err = "not a wfisleep-bench JSON document (needs runs and summary arrays)";
        return std::nullopt;
    }
    PlotData d;
    const json machine = doc.value("machine", json::object());
    const json bench = doc.value("bench", json::object());
    const auto nproc = num(machine, "nproc"), seconds = num(bench, "seconds"),
               repeat = num(bench, "repeat");
    // "Linux 6.1.0-13-amd64 #1 SMP ..." -> "Linux 6.1.0-13-amd64": the title stays on one line.
    std::string kernel = text(machine, "kernel");
    if (auto sp = kernel.find(' '); sp != std::string::npos)
        kernel = kernel.substr(0, kernel.find(' ', sp + 1));
    d.title = fmt::format("wfisleep-bench {} on {} ({} cpus, {}): {} s x {} blocks per governor",
                          text(machine, "date"), text(machine, "cpu_model"),
                          nproc ? fmt::format("{:g}", *nproc) : "?", kernel,
                          seconds ? fmt::format("{:g}", *seconds) : "?",
                          repeat ? fmt::format("{:g}", *repeat) : "?");
    // The real-QEMU rows have their own workload length and block count.
    const json tcg = bench.value("qemu_tcg", json::object());
    bool any_tcg = false;
    for (const auto &s : doc["summary"])
        any_tcg = any_tcg || (s.is_object() && text(s, "backend") == "qemu-tcg");
    if (any_tcg && num(tcg, "seconds") && num(tcg, "blocks"))
        d.title +=
            fmt::format("; real QEMU {:g} s x {:g}", *num(tcg, "seconds"), *num(tcg, "blocks"));

    // Block values per (scenario, governor), completed runs only (as the summary).
    struct Values {
        std::vector<double> wcpu, hcpu, timer, wake, rate;
        std::vector<double> timer90, wake90;  // when runs are too short for a p99
    };
    std::map<std::pair<std::string, std::string>, Values> vals;
    std::vector<std::string> macos;  // scenarios run under the model (key or --host-timer)
    for (const auto &r : doc["runs"]) {
        if (!r.is_object()) continue;
        auto ht = r.find("host_timer");
        if (ht != r.end() && ht->is_object() && text(*ht, "kind") == "macos")
            macos.push_back(text(r, "scenario"));
        if (text(r, "status") != "ok") continue;
        Values &v = vals[{text(r, "scenario"), text(r, "governor")}];
        if (auto x = num(r, "workload_cpu_pct")) v.wcpu.push_back(*x);
        if (auto x = num(r, "host_cpu_pct")) v.hcpu.push_back(*x);
        if (auto x = quantile_of(r, "timer_lateness_us", "p99")) v.timer.push_back(*x);
        if (auto x = quantile_of(r, "wake_latency_us", "p99")) v.wake.push_back(*x);
        if (auto x = quantile_of(r, "timer_lateness_us", "p90")) v.timer90.push_back(*x);
        if (auto x = quantile_of(r, "wake_latency_us", "p90")) v.wake90.push_back(*x);
        if (auto x = num(r, "work_rate")) v.rate.push_back(*x);
    }

    for (const auto &s : doc["summary"]) {
        if (!s.is_object()) continue;
        const std::string sc = text(s, "scenario"), gov = text(s, "governor");
        if (sc.empty() || gov.empty()) continue;
        auto ps = std::find_if(d.scenarios.begin(), d.scenarios.end(),
                               [&](const PlotScenario &p) { return p.scenario == sc; });
        if (ps == d.scenarios.end()) {
            PlotScenario p;
            p.scenario = sc;
            wfisvm::ScenarioSpec spec;
            std::string why;
            if (wfisvm::parse_scenario(vm_scenario_text(sc), &spec, &why)) {
                p.compute = spec.workload == wfisvm::Workload::kCompute;
                p.wake = spec.workload == wfisvm::Workload::kPingpong ||
                         spec.workload == wfisvm::Workload::kBurst;
                p.macos = spec.host_timer.kind == wfisvm::HostTimerKind::kMacos;
            }
            p.macos = p.macos || std::find(macos.begin(), macos.end(), sc) != macos.end();
            d.any_macos = d.any_macos || p.macos;
            d.scenarios.push_back(p);
            ps = d.scenarios.end() - 1;
        }
        if (std::find(d.governors.begin(), d.governors.end(), gov) == d.governors.end())
            d.governors.push_back(gov);
        PlotRow row;
        row.governor = gov;
        row.ours = is_ours(gov);
        const Values &v = vals[{sc, gov}];
        row.cpu = median_ci(v.wcpu);
        if (!row.cpu) {
            row.cpu = median_ci(v.hcpu);
            row.cpu_is_host = row.cpu.has_value();
        }
        row.late = median_ci(ps->wake ? v.wake : v.timer);
        row.late90 = median_ci(ps->wake ? v.wake90 : v.timer90);
        row.rate = median_ci(v.rate);
        read_cdf(s, ps->wake, &row);
        ps->rows.push_back(row);
    }
    // A scenario whose runs have no p99 (fewer than 100 samples each)
    // plots p90 when it has that.
    for (auto &sc : d.scenarios) {
        bool any99 = false;
        for (const auto &r : sc.rows) any99 = any99 || r.late.has_value();
        if (any99) continue;
        sc.late_p90 = true;
        for (auto &r : sc.rows) r.late = r.late90;
    }
    return d;
}

}  // namespace wfisbench
