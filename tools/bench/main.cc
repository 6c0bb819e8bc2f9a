// main.cc - wfisleep-bench: runs the matrix in fresh VMs, prints tables and goals, writes
// JSON/plot.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "ab_group.h"
#include "bench_json.h"
#include "disturbed.h"
#include "goals.h"
#include "machine_info.h"
#include "matrix.h"
#include "options.h"
#include "plot.h"
#include "progress.h"
#include "qemu_runner.h"
#include "report_reference.h"
#include "report_table.h"
#include "spin_match.h"
#include "steal.h"
#include "summary.h"
#include "tcg_runner.h"
#include "tcg_spec.h"
#include "vm_runner.h"
#include "wake_probe.h"

#ifndef WFISBENCH_BUILD_DIR
#define WFISBENCH_BUILD_DIR ""
#endif

using namespace wfisbench;

namespace {

bool write_file(const std::string &path, const std::string &text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char **argv) {
    Options opt;
    ParseOutcome p = parse_options(argc, argv, &opt);
    if (p.exit_code == 0) {
        fmt::print("{}", p.message);
        return 0;
    }
    if (p.exit_code == 2) {
        fmt::print(stderr, "{}\n", p.message);
        return 2;
    }
    HostFacts host = probe_host(opt);
    // The test bed's VM and guest are needed only for its own scenarios.
    bool any_vm = false, any_tcg = false;
    for (const auto &sc : opt.scenarios) (is_tcg_scenario(sc) ? any_tcg : any_vm) = true;
    if (any_vm && !host.vm) {
        fmt::print(stderr,
                   "wfisleep-bench: wfisleep-vm not found at '{}' (build target "
                   "wfisleep-vm, or pass --vm PATH)\n",
                   opt.vm_path);
        return 1;
    }
    if (any_vm && host.kvm && !host.guest) {
        fmt::print(stderr,
                   "wfisleep-bench: guest kernel not found at '{}' (build target "
                   "wfis-guest, or pass --guest PATH)\n",
                   opt.guest_path);
        return 1;
    }
    char tmpl[] = "/tmp/wfisleep-bench.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
        fmt::print(stderr, "wfisleep-bench: cannot create a work directory in /tmp\n");
        return 1;
    }
    const std::string work_dir = tmpl;
    const auto t0 = std::chrono::steady_clock::now();
    nlohmann::json machine = machine_info(opt.qemu_path);
    // The real-QEMU rows' builds and guest: from the flags, else from
    // scripts/qemu-tcg.sh (cached builds are reused; a cold cache builds
    // QEMU here, its progress on stderr). Missing ones skip the rows.
    TcgPaths tcg_paths;
    std::vector<std::string> tcg_rows;
    for (const auto &g : opt.governors)
        if (is_tcg_row(g)) tcg_rows.push_back(g);
    if (any_tcg && !tcg_rows.empty()) {
        std::vector<std::string> builds;
        for (const auto &g : tcg_rows) {
            TcgRow row;
            std::string err;
            if (parse_tcg_row(g, &row, &err) &&
                std::find(builds.begin(), builds.end(), row.build) == builds.end())
                builds.push_back(row.build);
        }
        fmt::print("wfisleep-bench: real-QEMU rows: finding the builds and the guest ({})\n",
                   opt.tcg_script);
        std::fflush(stdout);
        // The patched QEMUs load the wfisleep library of the build this bench
        // comes from, when that build tree is still there.
        std::string lib_build = WFISBENCH_BUILD_DIR;
        if (lib_build.empty() || access((lib_build + "/CMakeCache.txt").c_str(), R_OK) != 0)
            lib_build.clear();
        tcg_paths = resolve_tcg_paths(opt.tcg_qemu, opt.tcg_kernel, opt.tcg_initrd, opt.tcg_script,
                                      builds, lib_build);
        host.tcg_missing = tcg_paths.missing.empty()
                               ? ""
                               : "real-QEMU builds or guest unavailable: " + tcg_paths.missing;
        if (tcg_paths.missing.empty())
            for (const auto &b : builds) machine["qemu_tcg_builds"][b] = tcg_paths.qemu[b];
    }
    Matrix m = build_matrix(opt, host);

    std::vector<std::string> notes;
    if (!host.kvm)
        notes.push_back(
            "/dev/kvm is not available: every run uses wfisleep-vm's SIMULATED backend "
            "(labelled 'simulated'); these are not real measurements");
    for (const auto &g : opt.governors)
        if (vm_governor_spec(g) != g)
            notes.push_back(
                fmt::format("'{}' runs as '{}': the bench sets the seed's boot grace to "
                            "0 unless the spec gives grace_ms",
                            g, vm_governor_spec(g)));
    if (any_vm)
        notes.push_back(
            "host CPU % = the whole VMM process from start to exit; workload CPU % = the same over "
            "the workload window only (guest WFIS MARK start to end: boot and report excluded); "
            "governor CPU % = vCPU threads' time in the governor's poll and spin phases over the "
            "window");
    notes.push_back(
        "runs flagged disturbed: more than 1% of the wake-up probe's 1 ms sleeps (a bench thread, "
        "every 5 ms) woke over 1 ms late, or steal (/proc/stat) above 1% of CPU time over the "
        "run; flagged runs stay in the figures and goals, and the goals are judged again without "
        "the blocks that hold them, reported apart");
    if (opt.peers) {
        notes.push_back(
            "peers: inkernel = wfisleep-vm --mode inkernel (KVM in-kernel irqchip, "
            "module default halt polling), inkernel:poll=0 = the same with "
            "--halt-poll-ns 0; qemu:irqchip=on|off = qemu-system-x86_64 -accel kvm "
            "-cpu qemu64,+tsc-deadline (-bios qboot.rom when installed); "
            "kernel-irqchip=off at 1 vCPU only");
        notes.push_back(
            "qemu host CPU = the QEMU process's user+system time from the guest's first "
            "report line (/proc/PID/stat, 10 ms ticks) to exit (wait4 rusage), over that "
            "wall time: firmware boot excluded; QEMU cannot measure wake latency, exits or "
            "lost interrupts: null");
        notes.push_back(
            "qemu workload CPU = the QEMU process's per-task schedstat (ns) read as soon as each "
            "WFIS MARK line is written (the bench sleeps on the serial file's write events, no "
            "polling; the measured lag is workload_cpu_error_pct in the JSON); its lateness comes "
            "from the guest's sample rings "
            "in a shared RAM file (exact), else the histogram (approx)");
    }

    if (opt.in_vm_ab) notes.push_back(ab_note(m.runs, opt.seconds));
    if (any_tcg && !tcg_rows.empty()) {
        notes.push_back(fmt::format(
            "real QEMU rows (qemu-tcg:BUILD[:POLICY]): qemu-system-aarch64 10.2 with TCG booting a "
            "stock arm64 Linux guest, {} s workload per run, in the first {} block(s); the policy "
            "is WFISLEEP_POLICY in QEMU's environment (with WFISLEEP_STATS=1); *-noppoll builds "
            "run QEMU's own main-loop code where ppoll() is missing (timeouts rounded up to whole "
            "ms) on this Linux host: not a Mac",
            opt.tcg_seconds, std::min(opt.tcg_repeat, opt.repeat)));
        notes.push_back(
            "qemu-tcg workload CPU = the QEMU process's per-task schedstat (ns) read as soon as "
            "each WFISG MARK line is written (the bench sleeps on the serial file's write events, "
            "no polling; error bound = the measured read lag x host cores / window); vCPU "
            "threads = the tasks QEMU names 'CPU n/TCG'; lateness = cyclictest's wake-up "
            "latency, exact from its 1 us histogram (a percentile in its >= 20 ms overflow is "
            "its max and marked ~); host CPU includes the guest's boot");
    }
    fmt::print(
        "wfisleep-bench: {} runs ({} scenario(s) x {} governor(s){} x {} block(s), {}), seed "
        "{}\n",
        m.runs.size(), opt.scenarios.size(), opt.governors.size(), opt.peers ? " + peers" : "",
        opt.repeat,
        any_tcg && !tcg_rows.empty()
            ? fmt::format("{}real QEMU {} s workload in the first {} block(s)",
                          any_vm ? fmt::format("{} s each, ", opt.seconds) : "", opt.tcg_seconds,
                          std::min(opt.tcg_repeat, opt.repeat))
            : fmt::format("{} s each", opt.seconds),
        opt.seed);
    fmt::print(
        "machine: {} | {} cpus | {} | kvm module {} | load {:.2f} | commit {}\n",
        machine.value("cpu_model", "?"), machine.value("nproc", 0), machine.value("kernel", "?"),
        machine["kvm_module"].is_string() ? machine["kvm_module"].get<std::string>() : "none",
        machine.value("load_1m_at_start", -1.0),
        machine["git_commit"].is_string() ? machine["git_commit"].get<std::string>() : "?");
    for (const auto &n : notes) fmt::print("note: {}\n", n);
    fmt::print("{}", format_skips(m.skips));
    std::fflush(stdout);

    VmSetup vs{opt.vm_path, opt.guest_path, work_dir};
    QemuSetup qs{opt.qemu_path, opt.guest_path, work_dir, find_qboot()};
    TcgSetup ts{tcg_paths, work_dir};
    std::vector<RunResult> results;
    std::set<std::pair<std::string, std::string>> rejected;  // peer x scenario the runner refused
    Progress progress(static_cast<int>(m.runs.size()));
    // Wall time per block, and the real-QEMU runs' share of it (printed at the end).
    std::vector<double> block_s(static_cast<size_t>(opt.repeat)),
        block_tcg_s(static_cast<size_t>(opt.repeat));
    WakeProbe probe;
    bool steal_seen = false;
    int done = 0;
    SpinMatcher spin_match(opt.governors);
    std::set<int> ab_done;  // --in-vm-ab groups already run
    for (const auto &planned : m.runs) {
        const RunPlan plan = spin_match.prepare(planned);
        progress.update(done++, fmt::format("{} / {} (block {}/{})", plan.scenario, plan.governor,
                                            plan.repeat + 1, opt.repeat));
        if (rejected.count({plan.scenario, plan.governor})) continue;
        // A group runs once, where its first member stands in the block.
        if (plan.ab_group >= 0 && !ab_done.insert(plan.ab_group).second) continue;
        std::vector<RunPlan> group;
        for (const auto &member : m.runs)
            if (plan.ab_group >= 0 && member.ab_group == plan.ab_group)
                group.push_back(spin_match.prepare(member));
        const auto steal0 = read_cpu_times();
        probe.start();
        const auto run_t0 = std::chrono::steady_clock::now();
        std::vector<RunResult> rs;
        if (!group.empty())
            rs = run_vm_ab(group, vs);
        else
            rs.push_back(plan.backend == Backend::kQemu      ? run_qemu(plan, qs)
                         : plan.backend == Backend::kQemuTcg ? run_qemu_tcg(plan, ts)
                                                             : run_vm(plan, vs));
        const ProbeStats probed = probe.stop();
        const double run_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - run_t0).count();
        block_s[static_cast<size_t>(plan.repeat)] += run_s;
        if (plan.backend == Backend::kQemuTcg)
            block_tcg_s[static_cast<size_t>(plan.repeat)] += run_s;
        const auto steal1 = read_cpu_times();
        if (steal0 && steal1) steal_seen = steal_seen || steal1->steal > steal0->steal;
        // A shared VM's disturbance is every governor's in it.
        for (RunResult &r : rs) {
            r.probe = probed;
            if (steal0 && steal1) r.steal_pct = steal_pct(*steal0, *steal1);
            const RunPlan &rp = r.plan;
            if (rp.peer && r.usage_error) {
                // The peer cannot run this scenario here: a skip with its reason, not a failure.
                rejected.insert({rp.scenario, rp.governor});
                m.skips.push_back({rp.scenario, rp.governor, r.error});
                progress.message(
                    fmt::format("skipped: {} on {}: {}", rp.governor, rp.scenario, r.error));
                continue;
            }
            r.disturbed_why = r.ok ? disturbed_reason(r) : "";
            r.disturbed = !r.disturbed_why.empty();
            if (r.disturbed)
                progress.message(fmt::format("disturbed: {} / {} block {}: {}", rp.scenario,
                                             rp.governor, rp.repeat, r.disturbed_why));
            if (!r.ok)
                progress.message(fmt::format("FAILED: {} / {} repeat {}: {}", rp.scenario,
                                             rp.governor, rp.repeat, r.error));
            spin_match.record(r);
            results.push_back(std::move(r));
        }
    }
    progress.finish();
    if (const std::string n = spin_match.note(); !n.empty()) {
        notes.push_back(n);
        fmt::print("note: {}\n", n);
    }

    std::vector<Group> groups = summarize(results);
    std::vector<std::string> row_order = opt.governors;
    for (const auto &peer : peer_names()) row_order.push_back(peer);
    order_groups(&groups, opt.scenarios, row_order);
    // G6 says why it is not evaluated when the real-QEMU rows could not run.
    const std::string tcg_why =
        opt.no_qemu_tcg ? "real-QEMU rows left out (--no-qemu-tcg)" : host.tcg_missing;
    std::vector<GoalResult> goals = evaluate_goals(groups, opt.quick, tcg_why);
    // Reported apart: the goals once more without the blocks holding a
    // flagged run. The verdicts above are the ones that count.
    const std::set<int> flagged = flagged_blocks(results);
    std::vector<GoalResult> goals_unflagged;
    if (!flagged.empty() && !opt.quick) {
        std::vector<RunResult> kept;
        for (const auto &r : results)
            if (!flagged.count(r.plan.repeat)) kept.push_back(r);
        goals_unflagged = evaluate_goals(summarize(kept), false, tcg_why);
    }
    machine["steal_seen"] = steal_seen;
    if (!steal_seen) {
        notes.push_back(
            "steal time read 0 over the whole bench: this host's hypervisor does not report "
            "it here, so steal cannot flag a run");
        fmt::print("note: {}\n", notes.back());
    }
    int failed = 0;
    for (const auto &r : results) failed += r.ok ? 0 : 1;
    int status = failed ? 1 : 0;
    if (!failed && opt.fail_on_goals) status = goals_exit_status(goals);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // Every table names the commit its figures belong to.
    const std::string commit = machine["git_commit"].is_string()
                                   ? machine["git_commit"].get<std::string>()
                                   : std::string("unknown (not a git checkout)");
    fmt::print("{}", format_tables(groups, opt.seconds, opt.repeat, !opt.quick, commit));
    if (!opt.reference.empty())
        fmt::print("{}", format_reference_tables(groups, opt.reference, !opt.quick, commit));
    fmt::print("{}", format_goals(goals));
    fmt::print("{}", format_flagged(results, flagged, goals_unflagged));
    if (failed) fmt::print("\n{} run(s) FAILED (see above; logs kept in {})\n", failed, work_dir);
    {
        std::string per, tcg_per;
        for (size_t b = 0; b < block_s.size(); b++) {
            per += fmt::format("{}{:.0f}", b ? " " : "", block_s[b]);
            if (block_tcg_s[b] > 0)
                tcg_per += fmt::format("{}{:.0f}", b ? " " : "", block_tcg_s[b]);
        }
        fmt::print("\ntime per block (s, runs only): {}\n", per);
        if (!tcg_per.empty()) fmt::print("  of which real-QEMU (qemu-tcg) runs: {}\n", tcg_per);
    }
    fmt::print("\n{} runs in {:.0f} s; exit status {}\n", results.size(), wall, status);

    BenchDoc doc{opt,  machine, results, m.skips,         groups,  goals,      notes,
                 wall, status,  flagged, goals_unflagged, block_s, block_tcg_s};
    const nlohmann::json doc_json = bench_json(doc);
    if (!opt.json_path.empty()) {
        if (!write_file(opt.json_path, doc_json.dump(1) + "\n")) {
            fmt::print(stderr, "wfisleep-bench: cannot write {}\n", opt.json_path);
            status = 1;
        } else {
            fmt::print("JSON: {}\n", opt.json_path);
        }
    }
    if (!opt.plot_path.empty()) {
        // Drawn from the JSON document, as wfisleep-bench-report --plot draws a saved one.
        std::string why;
        const std::string script = plot_script(doc_json, opt.plot_path, &why);
        if (why.empty()) why = render_plot(script, work_dir);
        if (why.empty())
            fmt::print("plot: {}\n", opt.plot_path);
        else
            fmt::print("plot NOT written: {}\n", why);
    }
    if (!failed) std::filesystem::remove_all(work_dir);
    return status;
}
