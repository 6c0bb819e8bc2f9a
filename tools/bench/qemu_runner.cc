// qemu_runner.cc - boots our multiboot guest under qemu-system-x86_64 (KVM) and reads its report.
#include "qemu_runner.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "guest_report.h"
#include "spec.h"
#include "subprocess.h"
#include "vm_runner.h"

namespace wfisbench {

std::string qemu_guest_cmdline(const std::string &scenario, double seconds, uint64_t seed,
                               std::string *err) {
    wfisvm::ScenarioSpec s;
    if (!wfisvm::parse_scenario(scenario, &s, err)) return {};
    std::string wl;
    switch (s.workload) {
        case wfisvm::Workload::kIdle:
            wl = fmt::format("workload=idle hz={}", s.hz);
            break;
        case wfisvm::Workload::kTickless:
            wl = fmt::format("workload=tickless mean_ms={}", s.mean_ms);
            break;
        case wfisvm::Workload::kCompute:
            if (s.busy + s.idle != 1) {
                *err = "QEMU runs 1 vCPU only";
                return {};
            }
            wl = fmt::format("workload=compute busy={}", s.busy);
            break;
        default:
            *err = "needs wfisleep-vm's device";
            return {};
    }
    auto ms = static_cast<long long>(std::llround(seconds * 1000));
    return fmt::format("timer=lapic {} ms={} seed={} vcpus=1", wl, ms, seed);
}

std::vector<std::string> qemu_command(const RunPlan &plan, const QemuSetup &setup,
                                      const std::string &cmdline, const std::string &serial_path) {
    // Flags checked on this machine (anchors.md): -cpu host aborts with
    // kernel-irqchip=off, qemu64,+tsc-deadline works in both modes.
    return {setup.qemu_path,
            "-accel",
            "kvm",
            "-machine",
            std::string("pc,kernel-irqchip=") + (plan.qemu_irqchip ? "on" : "off"),
            "-cpu",
            "qemu64,+tsc-deadline",
            "-smp",
            "1",
            "-m",
            "64",
            "-nodefaults",
            "-display",
            "none",
            "-no-reboot",
            "-serial",
            "file:" + serial_path,
            "-device",
            "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-kernel",
            setup.guest_path,
            "-append",
            cmdline};
}

bool fill_from_serial(const std::string &serial, const std::string &scenario, RunResult *out,
                      std::string *err) {
    wfisvm::GuestReport rep;
    if (!wfisvm::parse_guest_report(serial, &rep, err)) return false;
    if (!rep.end_ok) {
        *err = "guest reported END status=fail";
        return false;
    }
    wfisvm::LatencyHistogram all{};
    uint64_t units = 0, run_ms = 0;
    wfisvm::ScenarioSpec s;
    std::string perr;
    wfisvm::parse_scenario(scenario, &s, &perr);
    for (size_t i = 0; i < rep.cpus.size(); i++) {
        const auto &c = rep.cpus[i];
        for (size_t b = 0; b < all.size(); b++) all[b] += c.hist[b];
        if (s.workload == wfisvm::Workload::kCompute && i < s.busy) units += c.work_units;
        run_ms = std::max(run_ms, c.run_ms);
    }
    if (auto p = wfisvm::histogram_percentiles(all))
        out->timer_lateness_us = Quantiles{p->p50, p->p99, p->max};
    if (s.workload == wfisvm::Workload::kCompute && run_ms > 0)
        out->work_rate = static_cast<double>(units) * 1000.0 / static_cast<double>(run_ms);
    if (!rep.cpus.empty()) out->guest_timer = rep.cpus[0].timer;
    return true;
}

RunResult run_qemu(const RunPlan &plan, const QemuSetup &setup) {
    RunResult r;
    r.plan = plan;
    r.backend = Backend::kQemu;
    std::string err;
    std::string cmdline = qemu_guest_cmdline(plan.scenario, plan.seconds, setup.seed, &err);
    if (cmdline.empty()) {
        r.usage_error = true;
        r.error = "QEMU cannot run " + plan.scenario + ": " + err;
        return r;
    }
    std::string base = fmt::format("{}/run-{:04d}", setup.work_dir, plan.order);
    std::string serial_path = base + ".serial", err_path = base + ".stderr";
    std::remove(serial_path.c_str());
    double timeout = plan.seconds * 3 + 30;
    ChildResult c =
        run_child(qemu_command(plan, setup, cmdline, serial_path), "", err_path, timeout);
    r.exit_code = c.exit_code;
    if (!c.started) {
        r.error = c.error;
        return r;
    }
    r.wall_s = c.wall_s;
    if (c.wall_s > 0) {
        r.host_cpu_pct = 100.0 * c.cpu_s / c.wall_s;
        r.wakeups_per_s = static_cast<double>(c.voluntary_switches) / c.wall_s;
    }
    std::ifstream in(serial_path);
    std::stringstream ss;
    ss << in.rdbuf();
    bool parsed = fill_from_serial(ss.str(), plan.scenario, &r, &err);
    // isa-debug-exit: status 2V+1, WFIS_EXIT_OK (0x10) -> 33.
    if (c.timed_out) {
        r.error = fmt::format("QEMU killed after {:.0f} s", timeout);
    } else if (c.exit_code != 2 * 0x10 + 1) {
        r.error = fmt::format("QEMU exited {}{}: {}", c.exit_code,
                              c.signal ? fmt::format(" (signal {})", c.signal) : "",
                              parsed ? last_line_of(err_path) : err);
    } else if (!parsed) {
        r.error = "guest report: " + err;
    } else {
        r.ok = true;
    }
    return r;
}

}  // namespace wfisbench
