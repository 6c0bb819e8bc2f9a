// vm_runner.cc - runs wfisleep-vm as a child, one fresh VM per run, and reads its JSON result.
#include "vm_runner.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "run.h"
#include "scenario_match.h"
#include "subprocess.h"
#include "vm_pair.h"

namespace wfisbench {

std::vector<std::string> vm_command(const RunPlan &plan, const VmSetup &setup,
                                    const std::string &json_path, const std::string &samples_path) {
    std::vector<std::string> a = {setup.vm_path, "--guest", setup.guest_path, "--mode"};
    switch (plan.backend) {
        case Backend::kInkernel:
            a.push_back("inkernel");
            break;
        case Backend::kSimulated:
            a.push_back("simulated");
            break;
        default:
            a.push_back("userspace");
            break;
    }
    a.insert(a.end(), {"--scenario", vm_scenario_text(plan.scenario)});
    if (plan.backend != Backend::kInkernel) a.insert(a.end(), {"--governor", plan.vm_governor});
    if (plan.halt_poll_ns)
        a.insert(a.end(), {"--halt-poll-ns", std::to_string(*plan.halt_poll_ns)});
    // compute sets its own vCPU count (busy + idle); --vcpus does not apply.
    if (plan.scenario.rfind("compute", 0) != 0)
        a.insert(a.end(), {"--vcpus", std::to_string(plan.vcpus)});
    a.insert(a.end(), {"--seconds", fmt::format("{}", plan.seconds), "--seed",
                       std::to_string(plan.seed), "--json", json_path, "--quiet"});
    if (!samples_path.empty()) a.insert(a.end(), {"--samples", samples_path});
    return a;
}

std::string last_line_of(const std::string &path) {
    std::ifstream in(path);
    std::string line, last;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
    }
    if (last.size() > 200) last = last.substr(0, 200) + "...";
    return last;
}

bool parse_vm_json(const std::string &text, RunResult *out, std::string *err) {
    // The VMM's own reader of its JSON (shared code, so the two never drift).
    wfisvm::RunResult v;
    if (!wfisvm::parse_run_result_json(text, &v, err)) return false;
    if (v.backend == "kvm")
        out->backend = Backend::kKvm;
    else if (v.backend == "inkernel")
        out->backend = Backend::kInkernel;
    else if (v.backend == "simulated")
        out->backend = Backend::kSimulated;
    else {
        *err = "wfisleep-vm JSON has an unknown backend '" + v.backend + "'";
        return false;
    }
    auto i64 = [](const std::optional<uint64_t> &x) -> std::optional<int64_t> {
        if (!x) return std::nullopt;
        return static_cast<int64_t>(*x);
    };
    out->host_cpu_pct = v.host_cpu_pct;
    out->wall_s = v.wall_s;
    out->wakeups_per_s = v.wakeups_per_s;
    out->timer_lateness_us = v.timer_lateness_us;
    out->wake_latency_us = v.wake_latency_us;
    out->governor_return_late_us = v.governor_return_late_us;
    out->governor_return_early = i64(v.governor_return_early);
    out->workload_s = v.workload_s;
    out->workload_cpu_pct = v.workload_cpu_pct;
    out->governor_cpu_pct = v.governor_cpu_pct;
    out->kvm_halt_poll_ns = i64(v.kvm_halt_poll_ns);
    out->runq_wait_pct = v.runq_wait_pct;
    out->work_rate = v.work_rate;
    out->lost_interrupts = i64(v.lost_interrupts);
    out->exits = i64(v.exits);
    out->idle_traps = i64(v.idle_traps);
    if (!v.governor_stats.empty()) {
        uint64_t busy = 0;
        for (const auto &st : v.governor_stats) busy += st.poll_ns + st.spin_ns;
        out->governor_poll_spin_ns = busy;
    }
    out->class_advance_ns.clear();
    for (const auto &st : v.governor_stats)
        if (st.advance_classes > 0)
            out->class_advance_ns.emplace_back(st.class_advance_ns,
                                               st.class_advance_ns + st.advance_classes);
    if (v.timer_irqs) out->timer_irqs_taken = v.timer_irqs->handled;
    if (v.ab) {
        // Over the counted parts, as the timer interrupts are (the
        // governor_stats cover the whole VM).
        out->governor_poll_spin_ns = v.ab->poll_spin_ns;
        out->in_vm_ab = InVmAb{v.ab->segments, v.ab->counted_s, v.ab->segment_ms, v.ab->settle_ms,
                               v.ab->governors};
    }
    out->vcpu_cpu_pct.clear();
    for (const auto &c : v.vcpu_cpu_pct) out->vcpu_cpu_pct.push_back(c.value_or(-1));
    out->guest_timer = v.guest_timer;
    if (!v.ok) {
        *err = "wfisleep-vm reported an error: " + v.error;
        return false;
    }
    return true;
}

RunResult vm_result(const RunPlan &plan, const ChildResult &c, const std::string &json_text,
                    const std::string &err_path, const std::string &samples_path,
                    double timeout_s) {
    RunResult r;
    r.plan = plan;
    r.backend = plan.backend;
    r.exit_code = c.exit_code;
    if (!c.started) {
        r.error = c.error;
        return r;
    }
    std::string perr;
    bool parsed = false;
    if (json_text.empty())
        perr = "wfisleep-vm wrote no JSON";
    else
        parsed = parse_vm_json(json_text, &r, &perr);
    if (c.exit_code == 2) {
        r.usage_error = true;
        r.error = "wfisleep-vm rejected the run: " + last_line_of(err_path);
        return r;
    }
    if (c.timed_out) {
        r.error = fmt::format("wfisleep-vm killed after {:.0f} s", timeout_s);
        return r;
    }
    if (c.exit_code != 0 || !parsed) {
        std::string why = !perr.empty() ? perr : last_line_of(err_path);
        if (c.signal)
            r.error = fmt::format("wfisleep-vm killed by signal {}: {}", c.signal, why);
        else
            r.error = fmt::format("wfisleep-vm exited {}: {}", c.exit_code, why);
        return r;
    }
    // The exact samples, for the pooled CDFs (a runner without them, such as
    // an older VM, leaves them empty).
    std::string serr;
    if (!wfisvm::read_samples(samples_path, &r.timer_samples_ns, &r.wake_samples_ns, &serr)) {
        r.timer_samples_ns.clear();
        r.wake_samples_ns.clear();
    }
    (void)std::remove(samples_path.c_str());  // absent is fine
    if (r.lost_interrupts.value_or(0) != 0) {
        r.error = fmt::format("{} interrupts lost", *r.lost_interrupts);
        return r;
    }
    r.ok = true;
    return r;
}

RunResult run_vm(const RunPlan &plan, const VmSetup &setup) {
    if (scenario_vms_key(plan.scenario) > 1) return run_vms_side_by_side(plan, setup);
    return run_one_vm(plan, setup, "");
}

RunResult run_one_vm(const RunPlan &plan, const VmSetup &setup, const std::string &tag) {
    std::string base = fmt::format("{}/run-{:04d}{}", setup.work_dir, plan.order, tag);
    std::string json_path = base + ".json", err_path = base + ".stderr",
                samples_path = base + ".samples";
    std::remove(json_path.c_str());
    (void)std::remove(samples_path.c_str());  // absent is fine
    // Generous timeout: boot + run + report; the VM has its own as well.
    const double timeout = plan.seconds * 3 + 30;
    ChildResult c =
        run_child(vm_command(plan, setup, json_path, samples_path), "", err_path, timeout);
    std::ifstream in(json_path);
    std::stringstream ss;
    if (in) ss << in.rdbuf();
    return vm_result(plan, c, ss.str(), err_path, samples_path, timeout);
}

}  // namespace wfisbench
