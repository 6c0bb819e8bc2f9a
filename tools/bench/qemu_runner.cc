// qemu_runner.cc - boots our multiboot guest under qemu-system-x86_64 (KVM) and reads its report.
#include "qemu_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "guest_report.h"
#include "sample_ring.h"
#include "scenario_match.h"
#include "spec.h"
#include "subprocess.h"
#include "vm_runner.h"

namespace wfisbench {

namespace {

// utime + stime of a whole process (all threads) from /proc/PID/stat; -1 if unreadable.
double process_cpu_s(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all;
    std::getline(in, all);
    size_t rp = all.rfind(')');
    if (rp == std::string::npos) return -1;
    std::istringstream fields(all.substr(rp + 2));
    std::string f;
    unsigned long long ut = 0, st = 0;
    // Fields after the name start at 3 (state); utime is 14, stime 15.
    for (int i = 3; i <= 15 && fields >> f; i++) {
        if (i == 14) ut = std::stoull(f);
        if (i == 15) st = std::stoull(f);
    }
    return static_cast<double>(ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Sum over the process's tasks of /proc/PID/task/*/schedstat: time on CPU
// and time runnable-waiting, in ns. false when unreadable.
bool process_schedstat(pid_t pid, uint64_t *run_ns, uint64_t *wait_ns) {
    std::error_code ec;
    std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/task", ec);
    if (ec) return false;
    uint64_t run = 0, wait = 0;
    bool any = false;
    for (const auto &e : it) {
        std::ifstream f(e.path() / "schedstat");
        unsigned long long a = 0, b = 0;
        if (f >> a >> b) {
            run += a;
            wait += b;
            any = true;
        }
    }
    *run_ns = run;
    *wait_ns = wait;
    return any;
}

// The guest RAM file QEMU shared with us: exact rings of every vCPU, or
// false when any is missing (the caller keeps the histogram's figures).
bool read_rings(const std::string &ram_path, int vcpus, wfisvm::RingSamples *out) {
    int fd = open(ram_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    bool ok = fstat(fd, &st) == 0 && st.st_size > 0;
    void *map = ok ? mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0)
                   : MAP_FAILED;
    close(fd);
    if (map == MAP_FAILED) return false;
    std::string err;
    wfisvm::RingSamples rings;
    for (int i = 0; i < vcpus && ok; i++)
        ok = wfisvm::read_sample_ring(static_cast<const uint8_t *>(map),
                                      static_cast<uint64_t>(st.st_size), static_cast<uint32_t>(i),
                                      &rings, &err);
    munmap(map, static_cast<size_t>(st.st_size));
    if (ok) *out = std::move(rings);
    return ok;
}

}  // namespace

std::string find_qboot() {
    const char *p = "/usr/share/qemu/qboot.rom";
    return access(p, R_OK) == 0 ? p : "";
}

std::string qemu_guest_cmdline(const std::string &scenario, double seconds, uint64_t seed,
                               int vcpus, std::string *err) {
    wfisvm::ScenarioSpec s;
    if (!wfisvm::parse_scenario(vm_scenario_text(scenario), &s, err)) return {};
    const char *wl = "idle";
    switch (s.workload) {
        case wfisvm::Workload::kIdle:
            wl = "idle";
            break;
        case wfisvm::Workload::kTickless:
            wl = "tickless";
            break;
        case wfisvm::Workload::kCompute:
            wl = "compute";
            break;
        default:
            *err = "needs wfisleep-vm's device";
            return {};
    }
    auto ms = static_cast<long long>(std::llround(seconds * 1000));
    // Same keys as wfisleep-vm's guest command line, LAPIC timer instead of pv.
    return fmt::format(
        "timer=lapic workload={} hz={} mean_ms={} busy={} ms={} seed={} vcpus={} idle_hz={}", wl,
        s.hz, s.mean_ms, s.busy, ms, seed, vcpus, s.idle_hz);
}

std::vector<std::string> qemu_command(const RunPlan &plan, const QemuSetup &setup,
                                      const std::string &cmdline, const std::string &serial_path,
                                      const std::string &ram_path) {
    // Flags checked on this machine: -cpu host aborts with
    // kernel-irqchip=off, qemu64,+tsc-deadline works in both modes.
    std::vector<std::string> a = {setup.qemu_path,
                                  "-accel",
                                  "kvm",
                                  "-machine",
                                  std::string("pc,kernel-irqchip=") +
                                      (plan.qemu_irqchip ? "on" : "off") +
                                      (ram_path.empty() ? "" : ",memory-backend=wfis-ram"),
                                  "-cpu",
                                  "qemu64,+tsc-deadline",
                                  "-smp",
                                  std::to_string(plan.vcpus),
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
    if (!setup.bios.empty()) a.insert(a.end(), {"-bios", setup.bios});
    // Guest RAM in a file we can read after the run (the exact sample rings).
    if (!ram_path.empty())
        a.insert(a.end(), {"-object", "memory-backend-file,id=wfis-ram,size=64M,mem-path=" +
                                          ram_path + ",share=on"});
    return a;
}

bool fill_from_serial(const std::string &serial, const std::string &scenario, int vcpus,
                      RunResult *out, std::string *err) {
    wfisvm::GuestReport rep;
    if (!wfisvm::parse_guest_report(serial, &rep, err)) return false;
    if (!rep.end_ok) {
        *err = "guest reported END status=fail";
        return false;
    }
    if (rep.vcpus != static_cast<uint32_t>(vcpus) || rep.cpus.size() != rep.vcpus) {
        *err = fmt::format("guest reported {} vCPUs, {} requested", rep.vcpus, vcpus);
        return false;
    }
    wfisvm::LatencyHistogram all{};
    uint64_t units = 0, run_ms = 0, missed = 0;
    wfisvm::ScenarioSpec s;
    std::string perr;
    wfisvm::parse_scenario(vm_scenario_text(scenario), &s, &perr);
    for (size_t i = 0; i < rep.cpus.size(); i++) {
        const auto &c = rep.cpus[i];
        for (size_t b = 0; b < all.size(); b++) all[b] += c.hist[b];
        missed += c.missed;
        if (s.workload == wfisvm::Workload::kCompute && i < s.busy) units += c.work_units;
        run_ms = std::max(run_ms, c.run_ms);
    }
    out->timer_lateness_us = wfisvm::histogram_distribution(all, missed);
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
    std::string cmdline =
        qemu_guest_cmdline(plan.scenario, plan.seconds, plan.seed, plan.vcpus, &err);
    if (cmdline.empty()) {
        r.usage_error = true;
        r.error = "QEMU cannot run " + plan.scenario + ": " + err;
        return r;
    }
    std::string base = fmt::format("{}/run-{:04d}", setup.work_dir, plan.order);
    std::string serial_path = base + ".serial", err_path = base + ".stderr",
                ram_path = base + ".ram";
    std::remove(serial_path.c_str());
    double timeout = plan.seconds * 3 + 30;
    // The workload window: the process's schedstat sums read as soon as each
    // MARK line's last byte is written. The bench sleeps on the serial file's
    // write events (no polling, so it takes no CPU from the run); `lag_s` is
    // the measured time from that wake-up to the schedstat read, the part of
    // the timing error the bench can see.
    struct Edge {
        bool seen = false;
        std::chrono::steady_clock::time_point t;
        uint64_t run_ns = 0, wait_ns = 0;
        double lag_s = 0;
    } edges[2];
    std::string serial_text;
    std::ifstream serial_in;  // read on from where the last event left off
    // The guest's run starts at its first report line: snapshot QEMU's CPU time then.
    std::optional<double> boot_cpu_s;
    std::chrono::steady_clock::time_point boot_t;
    auto on_write = [&](pid_t pid) {
        const auto now = std::chrono::steady_clock::now();
        if (edges[1].seen) return;
        if (!serial_in.is_open()) serial_in.open(serial_path);
        serial_in.clear();  // past EOF last time: read what was appended since
        std::stringstream ss;
        ss << serial_in.rdbuf();
        serial_text += ss.str();
        if (!boot_cpu_s && serial_text.find("WFIS BOOT") != std::string::npos) {
            boot_t = now;
            boot_cpu_s = process_cpu_s(pid);
        }
        const char *marks[2] = {"WFIS MARK start\n", "WFIS MARK end\n"};
        for (int i = 0; i < 2; i++) {
            if (edges[i].seen || serial_text.find(marks[i]) == std::string::npos) continue;
            edges[i].seen = process_schedstat(pid, &edges[i].run_ns, &edges[i].wait_ns);
            edges[i].t = now;
            edges[i].lag_s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - now).count();
        }
    };
    const auto t0 = std::chrono::steady_clock::now();
    ChildResult c = run_child(qemu_command(plan, setup, cmdline, serial_path, ram_path), "",
                              err_path, timeout, serial_path, on_write);
    r.exit_code = c.exit_code;
    if (!c.started) {
        r.error = c.error;
        return r;
    }
    r.wall_s = c.wall_s;
    if (boot_cpu_s && *boot_cpu_s >= 0) {
        double run_wall = c.wall_s - std::chrono::duration<double>(boot_t - t0).count();
        if (run_wall > 0) r.host_cpu_pct = 100.0 * (c.cpu_s - *boot_cpu_s) / run_wall;
        r.qemu_boot_s = std::chrono::duration<double>(boot_t - t0).count();
    }
    if (c.wall_s > 0) r.wakeups_per_s = static_cast<double>(c.voluntary_switches) / c.wall_s;
    std::ifstream in(serial_path);
    std::stringstream ss;
    ss << in.rdbuf();
    bool parsed = fill_from_serial(ss.str(), plan.scenario, plan.vcpus, &r, &err);
    wfisvm::RingSamples rings;
    if (parsed && read_rings(ram_path, plan.vcpus, &rings)) {
        for (int64_t v : rings.ns)  // 32-bit in the guest: the narrowing is exact
            r.timer_samples_ns.push_back(static_cast<int32_t>(v));
        r.timer_lateness_us =
            wfisvm::exact_distribution(std::move(rings.ns), rings.missed, rings.dropped);
    }
    (void)std::remove(ram_path.c_str());  // 64 MiB per run: never leave it behind
    if (edges[0].seen && edges[1].seen && edges[1].t > edges[0].t) {
        const double w = std::chrono::duration<double>(edges[1].t - edges[0].t).count();
        const double cores = static_cast<double>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
        r.workload_s = w;
        r.workload_cpu_pct = static_cast<double>(edges[1].run_ns - edges[0].run_ns) / 1e9 / w * 100;
        r.workload_cpu_error_pct = (edges[0].lag_s + edges[1].lag_s) * cores / w * 100;
        r.runq_wait_pct =
            static_cast<double>(edges[1].wait_ns - edges[0].wait_ns) / 1e9 / (w * plan.vcpus) * 100;
    }
    // isa-debug-exit: status 2V+1, WFIS_EXIT_OK (0x10) -> 33.
    if (c.timed_out) {
        r.error = fmt::format("QEMU killed after {:.0f} s", timeout);
    } else if (c.exit_code != 2 * 0x10 + 1) {
        r.error = fmt::format("QEMU exited {}{}: {}", c.exit_code,
                              c.signal ? fmt::format(" (signal {})", c.signal) : "",
                              parsed ? last_line_of(err_path) : err);
    } else if (!parsed) {
        r.error = "guest report: " + err;
    } else if (!r.host_cpu_pct) {
        r.error = "no guest report line seen while QEMU ran: host CPU unknown";
    } else {
        r.ok = true;
    }
    return r;
}

}  // namespace wfisbench
