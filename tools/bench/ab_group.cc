// ab_group.cc - grouping a block's runs into one VM and splitting that VM's results.
#include "ab_group.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "scenario_match.h"
#include "spec.h"
#include "spin_match.h"
#include "subprocess.h"
#include "tcg_spec.h"

namespace wfisbench {

bool ab_eligible(const RunPlan &plan) {
    if (plan.peer || plan.backend != Backend::kKvm || is_tcg_row(plan.governor) ||
        is_spin_match_row(plan.governor) || scenario_vms_key(plan.scenario) > 1)
        return false;
    wfisvm::ScenarioSpec s;
    std::string err;
    return wfisvm::parse_scenario(vm_scenario_text(plan.scenario), &s, &err) &&
           s.workload != wfisvm::Workload::kCompute;
}

void assign_ab_groups(std::vector<RunPlan> *runs) {
    std::map<std::pair<int, std::string>, std::vector<size_t>> members;
    for (size_t i = 0; i < runs->size(); i++)
        if (ab_eligible((*runs)[i])) members[{(*runs)[i].repeat, (*runs)[i].scenario}].push_back(i);
    int next = 0;
    for (const auto &[key, idx] : members) {
        if (idx.size() < 2) continue;
        for (size_t i : idx) (*runs)[i].ab_group = next;
        next++;
    }
}

uint32_t ab_segment_ms(double seconds) {
    const double ms = seconds * 1000.0 / 2.0;
    return static_cast<uint32_t>(std::clamp(std::floor(ms), 10.0, 250.0));
}

uint32_t ab_settle_ms(double seconds) {
    return ab_segment_ms(seconds) / 5;
}

double ab_vm_seconds(const std::vector<RunPlan> &plans) {
    const double s = plans.front().seconds;
    // Each governor gets about the counted time a fresh run would have had;
    // one segment more, so the last whole segment ends before the guest's
    // window does (its end comes a little before the host's start + length).
    return s * static_cast<double>(plans.size()) + ab_segment_ms(s) / 1000.0;
}

std::string ab_note(const std::vector<RunPlan> &runs, double seconds) {
    std::vector<std::string> rows, scenarios;
    auto add = [](std::vector<std::string> *v, const std::string &x) {
        if (std::find(v->begin(), v->end(), x) == v->end()) v->push_back(x);
    };
    for (const auto &p : runs)
        if (p.ab_group >= 0) {
            add(&rows, p.governor);
            add(&scenarios, p.scenario);
        }
    if (rows.empty())
        return "--in-vm-ab: no block had two of our governors on one scenario; every run had "
               "a fresh VM";
    auto join = [](const std::vector<std::string> &v) {
        std::string s;
        for (const auto &x : v) s += (s.empty() ? "" : ", ") + x;
        return s;
    };
    return fmt::format(
        "--in-vm-ab: rows {} ran A/B in one VM per block and scenario ({}): the governors "
        "alternate every {} ms in an order drawn from the block's seed, the first {} ms of each "
        "segment discarded, each governor's figures pooled over its segments (host CPU, "
        "wakeups/s and exits are null: they cannot be split); peers, compute scenarios, "
        "side-by-side VMs (vms=) and the deadline+spin match rows ran in fresh VMs",
        join(rows), join(scenarios), ab_segment_ms(seconds), ab_settle_ms(seconds));
}

std::vector<std::string> vm_ab_command(const std::vector<RunPlan> &plans, const VmSetup &setup,
                                       const std::string &json_path,
                                       const std::string &samples_path) {
    RunPlan head = plans.front();
    head.seconds = ab_vm_seconds(plans);
    std::vector<std::string> a = vm_command(head, setup, json_path, samples_path);
    auto gov = std::find(a.begin(), a.end(), "--governor");
    std::vector<std::string> more;
    for (size_t i = 1; i < plans.size(); i++)
        more.insert(more.end(), {"--governor", plans[i].vm_governor});
    if (gov != a.end()) a.insert(gov + 2, more.begin(), more.end());
    const double s = plans.front().seconds;
    a.insert(a.end(), {"--segment-ms", std::to_string(ab_segment_ms(s)), "--settle-ms",
                       std::to_string(ab_settle_ms(s))});
    return a;
}

std::vector<RunResult> run_vm_ab(const std::vector<RunPlan> &plans, const VmSetup &setup) {
    std::string base = fmt::format("{}/run-{:04d}", setup.work_dir, plans.front().order);
    std::string json_path = base + ".json", err_path = base + ".stderr",
                samples_path = base + ".samples";
    std::remove(json_path.c_str());
    const double timeout = ab_vm_seconds(plans) * 3 + 30;
    ChildResult c =
        run_child(vm_ab_command(plans, setup, json_path, samples_path), "", err_path, timeout);
    // One JSON object per governor, one per line, in --governor order.
    std::vector<std::string> lines;
    std::ifstream in(json_path);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    std::vector<RunResult> out;
    for (size_t i = 0; i < plans.size(); i++) {
        const std::string samples = samples_path + "." + std::to_string(i);
        RunResult r =
            vm_result(plans[i], c, i < lines.size() ? lines[i] : "", err_path, samples, timeout);
        if (r.ok && (!r.in_vm_ab || r.in_vm_ab->governors.size() != plans.size() ||
                     r.in_vm_ab->governors[i] != plans[i].vm_governor)) {
            r.ok = false;
            r.error = "wfisleep-vm's A/B result " + std::to_string(i) + " is not governor '" +
                      plans[i].vm_governor + "'";
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace wfisbench
