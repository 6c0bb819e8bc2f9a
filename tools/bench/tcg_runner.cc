// tcg_runner.cc - boots the arm64 Linux guest under a qemu-system-aarch64 TCG build and reads
// what it measured; the QEMU process's CPU over the guest's MARK window.
#include "tcg_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "subprocess.h"
#include "tcg_report.h"
#include "vm_runner.h"

namespace wfisbench {

namespace {

// Runs `script arg`: stdout captured, stderr passed through to ours (the
// script's progress) with its last line kept for the reason of a failure.
int run_script(const std::vector<std::string> &argv, std::string *out, std::string *last_err) {
    int opipe[2], epipe[2];
    if (pipe2(opipe, O_CLOEXEC) != 0) return -1;
    if (pipe2(epipe, O_CLOEXEC) != 0) {
        close(opipe[0]);
        close(opipe[1]);
        return -1;
    }
    // Everything the child needs is made before the fork.
    std::vector<char *> cargv;
    for (const auto &a : argv) cargv.push_back(const_cast<char *>(a.c_str()));
    cargv.push_back(nullptr);
    const std::string msg = "cannot execute " + argv[0] + "\n";
    pid_t pid = fork();
    if (pid == 0) {
        dup2(opipe[1], 1);
        dup2(epipe[1], 2);
        execv(cargv[0], cargv.data());
        ssize_t n = write(2, msg.data(), msg.size());
        (void)n;
        _exit(127);
    }
    close(opipe[1]);
    close(epipe[1]);
    if (pid < 0) {
        close(opipe[0]);
        close(epipe[0]);
        return -1;
    }
    std::string err_line;
    pollfd pfd[2] = {{opipe[0], POLLIN, 0}, {epipe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (auto &p : pfd) {
            if (p.fd < 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            ssize_t n = read(p.fd, buf, sizeof buf);
            if (n <= 0) {
                close(p.fd);
                p.fd = -1;
                open_fds--;
                continue;
            }
            if (p.fd == opipe[0]) {
                out->append(buf, static_cast<size_t>(n));
            } else {
                ssize_t w = write(2, buf, static_cast<size_t>(n));
                (void)w;
                err_line.append(buf, static_cast<size_t>(n));
            }
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // The last non-empty line of what it printed on stderr.
    while (!err_line.empty() && err_line.back() == '\n') err_line.pop_back();
    *last_err =
        err_line.substr(err_line.rfind('\n') == std::string::npos ? 0 : err_line.rfind('\n') + 1);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool is_file(const std::string &p) {
    struct stat st {};
    return !p.empty() && stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// One edge of the workload window: every task's schedstat, the vCPU threads' apart.
struct Edge {
    bool seen = false;
    std::chrono::steady_clock::time_point t;
    uint64_t run_ns = 0, wait_ns = 0;
    std::map<int, uint64_t> vcpu_run_ns;  // "CPU n/TCG" -> on-CPU ns
    double lag_s = 0;
};

bool read_edge(pid_t pid, Edge *e) {
    std::error_code ec;
    std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/task", ec);
    if (ec) return false;
    bool any = false;
    for (const auto &t : it) {
        std::ifstream f(t.path() / "schedstat");
        unsigned long long run = 0, wait = 0;
        if (!(f >> run >> wait)) continue;
        any = true;
        e->run_ns += run;
        e->wait_ns += wait;
        std::ifstream c(t.path() / "comm");
        std::string comm;
        std::getline(c, comm);
        int n = -1;
        char tail[8] = {};
        if (std::sscanf(comm.c_str(), "CPU %d/%7s", &n, tail) == 2 && std::strcmp(tail, "TCG") == 0)
            e->vcpu_run_ns[n] += run;
    }
    return any;
}

}  // namespace

std::map<std::string, std::string> parse_name_path_lines(const std::string &text) {
    std::map<std::string, std::string> m;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const size_t sp = line.find(' ');
        if (sp == std::string::npos || sp == 0) continue;
        m[line.substr(0, sp)] = line.substr(sp + 1);
    }
    return m;
}

TcgPaths resolve_tcg_paths(const std::map<std::string, std::string> &qemu_flags,
                           const std::string &kernel_flag, const std::string &initrd_flag,
                           const std::string &script, const std::vector<std::string> &builds,
                           const std::string &wfisleep_build) {
    TcgPaths p;
    p.qemu = qemu_flags;
    p.kernel = kernel_flag;
    p.initrd = initrd_flag;
    bool need_builds = false;
    for (const auto &b : builds) need_builds = need_builds || !p.qemu.count(b);
    std::vector<std::string> why;
    if (need_builds) {
        std::string out, last;
        std::vector<std::string> argv = {script, "build"};
        // The patched builds then use this build's wfisleep library.
        if (!wfisleep_build.empty()) argv.insert(argv.end(), {"--wfisleep-build", wfisleep_build});
        const int rc = run_script(argv, &out, &last);
        if (rc != 0) {
            why.push_back(
                fmt::format("{} build exited {}{}", script, rc, last.empty() ? "" : ": " + last));
        } else {
            for (const auto &[name, path] : parse_name_path_lines(out))
                if (!p.qemu.count(name)) p.qemu[name] = path;
        }
    }
    if (p.kernel.empty() || p.initrd.empty()) {
        std::string out, last;
        const int rc = run_script({script, "guest"}, &out, &last);
        if (rc != 0) {
            why.push_back(
                fmt::format("{} guest exited {}{}", script, rc, last.empty() ? "" : ": " + last));
        } else {
            auto m = parse_name_path_lines(out);
            if (p.kernel.empty()) p.kernel = m["kernel"];
            if (p.initrd.empty()) p.initrd = m["initrd"];
        }
    }
    if (why.empty()) {
        for (const auto &b : builds)
            if (!p.qemu.count(b) || access(p.qemu[b].c_str(), X_OK) != 0)
                why.push_back(fmt::format("QEMU build {} not executable at '{}'", b,
                                          p.qemu.count(b) ? p.qemu[b] : ""));
        if (!is_file(p.kernel)) why.push_back("guest kernel not found at '" + p.kernel + "'");
        if (!is_file(p.initrd)) why.push_back("guest initrd not found at '" + p.initrd + "'");
    }
    for (const auto &w : why) p.missing += (p.missing.empty() ? "" : "; ") + w;
    return p;
}

std::vector<std::string> tcg_command(const RunPlan &plan, const TcgSetup &setup,
                                     const std::string &serial_path, std::string *err) {
    TcgRow row;
    TcgScenario sc;
    if (!parse_tcg_row(plan.governor, &row, err) || !parse_tcg_scenario(plan.scenario, &sc, err))
        return {};
    auto q = setup.paths.qemu.find(row.build);
    if (q == setup.paths.qemu.end()) {
        *err = "no path for QEMU build " + row.build;
        return {};
    }
    const int secs = std::max(1, static_cast<int>(plan.seconds + 0.5));
    // The row's policy and nothing inherited: an upstream row must not see a
    // WFISLEEP_POLICY the bench was started with (it would ignore it, but the
    // record would be wrong), nor the seed's variable.
    std::vector<std::string> a = {"/usr/bin/env",    "-u", "WFISLEEP_POLICY", "-u", "HVF_WFI_SLEEP",
                                  "WFISLEEP_STATS=1"};
    if (!row.policy.empty()) a.push_back("WFISLEEP_POLICY=" + row.policy);
    a.insert(a.end(), {q->second,
                       "-M",
                       "virt",
                       "-cpu",
                       "cortex-a57",
                       "-m",
                       "512",
                       "-accel",
                       "tcg,thread=multi",
                       "-smp",
                       std::to_string(plan.vcpus),
                       "-nodefaults",
                       "-name",
                       "wfis,debug-threads=on",  // vCPU threads named "CPU n/TCG"
                       "-display",
                       "none",
                       "-no-reboot",
                       "-serial",
                       "file:" + serial_path,
                       "-kernel",
                       setup.paths.kernel,
                       "-initrd",
                       setup.paths.initrd,
                       "-append",
                       "console=ttyAMA0 quiet wfis.work=" + tcg_guest_work(sc, secs)});
    // The network only where the workload uses it: its interrupts come
    // through the main loop, which the other workloads leave quiet.
    if (sc.work == TcgWork::kPing)
        a.insert(a.end(),
                 {"-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,romfile="});
    return a;
}

bool fill_from_tcg_serial(const std::string &serial, const std::string &scenario, int vcpus,
                          RunResult *out, std::string *err) {
    TcgGuestReport rep;
    if (!parse_tcg_guest(serial, &rep, err)) return false;
    if (rep.ready == 0) {
        *err = "the guest printed no WFISG READY line";
        return false;
    }
    if (!rep.errors.empty()) {
        *err = "guest: " + rep.errors.front();
        return false;
    }
    if (rep.end != "ok") {
        *err = rep.end.empty() ? "the guest printed no WFISG END line"
                               : "guest reported END status=" + rep.end;
        return false;
    }
    if (rep.cpus != vcpus) {
        *err = fmt::format("guest saw {} CPUs, {} requested", rep.cpus, vcpus);
        return false;
    }
    TcgScenario sc;
    if (!parse_tcg_scenario(scenario, &sc, err)) return false;
    if (sc.work == TcgWork::kCyclictest) {
        if (!rep.ct_done) {
            *err = "cyclictest did not finish (no WFISG CT line)";
            return false;
        }
        const int64_t top = rep.ct_max_us.value_or(0);
        out->timer_lateness_us = tcg_histogram_distribution(rep.ct_hist, rep.ct_overflows, top);
        out->timer_samples_ns = tcg_histogram_samples_ns(rep.ct_hist, rep.ct_overflows, top);
        if (!out->timer_lateness_us) {
            *err = "cyclictest reported no wake-ups";
            return false;
        }
    }
    if (sc.work == TcgWork::kPing) {
        out->ping_rtt_us = tcg_histogram_distribution(rep.ping_hist);
        if (!out->ping_rtt_us) {
            *err = "ping received no reply";
            return false;
        }
    }
    out->guest_timer = "arm-generic-timer";
    return true;
}

RunResult run_qemu_tcg(const RunPlan &plan, const TcgSetup &setup) {
    RunResult r;
    r.plan = plan;
    r.backend = Backend::kQemuTcg;
    std::string base = fmt::format("{}/run-{:04d}", setup.work_dir, plan.order);
    const std::string serial_path = base + ".serial", err_path = base + ".stderr";
    std::string err;
    const std::vector<std::string> cmd = tcg_command(plan, setup, serial_path, &err);
    if (cmd.empty()) {
        r.usage_error = true;
        r.error = err;
        return r;
    }
    const double timeout = plan.seconds * 3 + 90;
    // The workload window: the schedstat sums read as soon as each MARK
    // line's last byte is written. The bench sleeps on the serial file's
    // write events (no polling, no CPU taken from the run); lag_s is the
    // measured time from that wake-up to the end of the read.
    Edge edges[2];
    std::string serial_text;
    std::ifstream serial_in;
    auto on_write = [&](pid_t pid) {
        const auto now = std::chrono::steady_clock::now();
        if (edges[1].seen) return;
        if (!serial_in.is_open()) serial_in.open(serial_path);
        serial_in.clear();
        std::stringstream ss;
        ss << serial_in.rdbuf();
        serial_text += ss.str();
        const char *marks[2] = {"WFISG MARK start", "WFISG MARK end"};
        for (int i = 0; i < 2; i++) {
            if (edges[i].seen) continue;
            // The whole line: its newline has been written too.
            const size_t at = serial_text.find(marks[i]);
            if (at == std::string::npos || serial_text.find('\n', at) == std::string::npos)
                continue;
            Edge e;
            e.seen = read_edge(pid, &e);
            e.t = now;
            e.lag_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - now).count();
            edges[i] = e;
        }
    };
    ChildResult c = run_child(cmd, "", err_path, timeout, serial_path, on_write);
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
    const bool parsed = fill_from_tcg_serial(ss.str(), plan.scenario, plan.vcpus, &r, &err);
    std::ifstream ein(err_path);
    std::stringstream es;
    es << ein.rdbuf();
    const TcgGlueStats glue = parse_tcg_glue_stats(es.str());
    r.tcg_waits_entered = glue.waits_entered;
    r.tcg_stats = glue.vcpu_lines;
    if (edges[0].seen && edges[1].seen && edges[1].t > edges[0].t) {
        const double w = std::chrono::duration<double>(edges[1].t - edges[0].t).count();
        const double cores = static_cast<double>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
        r.workload_s = w;
        r.workload_cpu_pct = static_cast<double>(edges[1].run_ns - edges[0].run_ns) / 1e9 / w * 100;
        r.workload_cpu_error_pct = (edges[0].lag_s + edges[1].lag_s) * cores / w * 100;
        r.runq_wait_pct =
            static_cast<double>(edges[1].wait_ns - edges[0].wait_ns) / 1e9 / (w * plan.vcpus) * 100;
        for (int i = 0; i < plan.vcpus; i++) {
            auto a = edges[0].vcpu_run_ns.find(i), b = edges[1].vcpu_run_ns.find(i);
            if (a == edges[0].vcpu_run_ns.end() || b == edges[1].vcpu_run_ns.end()) {
                r.vcpu_cpu_pct.clear();
                break;
            }
            r.vcpu_cpu_pct.push_back(static_cast<double>(b->second - a->second) / 1e9 / w * 100);
        }
    }
    TcgRow row;
    std::string rerr;
    parse_tcg_row(plan.governor, &row, &rerr);
    if (c.timed_out) {
        r.error = fmt::format("QEMU killed after {:.0f} s", timeout);
    } else if (c.exit_code != 0) {
        r.error = fmt::format("QEMU exited {}{}: {}", c.exit_code,
                              c.signal ? fmt::format(" (signal {})", c.signal) : "",
                              last_line_of(err_path));
    } else if (!parsed) {
        r.error = "guest report: " + err;
    } else if (!r.workload_cpu_pct) {
        r.error = "the guest's MARK lines were not both seen while QEMU ran: workload CPU unknown";
    } else if (row.wfisleep && !r.tcg_waits_entered) {
        r.error = "a wfisleep build printed no 'wfisleep: tcg: N waits entered' line at exit";
    } else {
        r.ok = true;
    }
    return r;
}

}  // namespace wfisbench
