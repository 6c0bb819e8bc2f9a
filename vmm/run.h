// run.h - options and result of one wfisleep-vm run, shared by every backend, the JSON writer and
// the bench.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "latency_dist.h"
#include "spec.h"
#include "wfisleep/wfisleep.h"

namespace wfisvm {

// userspace: KVM without in-kernel irqchip (HLT exits reach the governor);
// inkernel: KVM irqchip + LAPIC timer (KVM halts in the kernel);
// simulated: no KVM, a modelled guest (results labelled "simulated").
enum class Mode { kUserspace, kInkernel, kSimulated };

// "userspace", "inkernel", "simulated".
const char *mode_name(Mode mode);
// The JSON "backend" value of a mode: "kvm", "inkernel", "simulated".
const char *backend_name(Mode mode);

struct RunOptions {
    std::string guest_path;  // ELF32 multiboot guest (unused when simulated)
    Mode mode = Mode::kUserspace;
    ScenarioSpec scenario;                 // default idle:hz=1000
    GovernorSpec governor;                 // default adaptive; ignored in inkernel mode
    bool governor_given = false;           // --governor was on the command line
    uint32_t vcpus = 1;                    // 1..64
    double seconds = 2.0;                  // guest run length (the guest measures it)
    uint64_t seed = 1;                     // PRNG seed for devices and the guest
    std::optional<uint64_t> halt_poll_ns;  // inkernel: KVM_CAP_HALT_POLL per VM
    double timeout_s = 0;                  // wall-clock limit; 0 = seconds + 10
    std::string serial_path;               // copy of the guest's serial output ("" = none)
    bool quiet = false;                    // no human output on stdout
    bool echo_serial = false;              // print guest serial lines on stdout
    std::string extra_cmdline;             // appended to the guest command line (tests)
    std::string samples_path;              // --samples: write the exact samples there
    // A/B in one VM (governor given several times): the governors that
    // alternate in segments of segment_ms, the first settle_ms of each
    // discarded (ab_schedule.h). Empty: one governor, `governor`.
    std::vector<GovernorSpec> ab_governors;
    uint32_t segment_ms = 250;
    uint32_t settle_ms = 50;
};

// Appended in A/B runs ("ab"): how this governor's figures were gathered.
struct AbInfo {
    uint32_t segment_ms = 0, settle_ms = 0;
    uint64_t segments = 0;               // counted segments this governor ran
    double counted_s = 0;                // their counted parts' total length
    uint64_t poll_spin_ns = 0;           // its poll + spin time over them, summed over vCPUs
    std::vector<std::string> governors;  // every governor of the VM, in --governor order
};

struct IrqCounts {
    uint64_t injected = 0;  // delivered into the guest by the host
    uint64_t handled = 0;   // counted by the guest's handler (its report)
};

// Everything docs/vmm-cli.md's JSON holds; std::nullopt = JSON null.
struct RunResult {
    std::string backend;   // "kvm" | "inkernel" | "simulated"
    std::string scenario;  // spec text as given
    std::string governor;  // spec text, or "kvm" in inkernel mode
    uint32_t vcpus = 0;
    double seconds = 0;
    double wall_s = 0;
    bool ok = false;                                  // "status": "ok" | "error"
    std::string error;                                // one line; empty when ok ("error": null)
    std::optional<double> host_cpu_pct;               // whole process, % of one core
    std::vector<std::optional<double>> vcpu_cpu_pct;  // per vCPU thread
    std::optional<double> wakeups_per_s;              // voluntary context switches / s
    std::optional<LatencyUs> timer_lateness_us;       // guest sample rings (exact), else its
                                                      // histogram (approx)
    std::optional<LatencyUs> wake_latency_us;         // host raise-to-ack
    std::optional<double> work_rate;                  // work units / s of busy vCPUs
    std::optional<uint64_t> lost_interrupts;          // sum over vectors of injected - handled
    std::optional<uint64_t> exits;                    // vCPU exits to the VMM
    std::optional<uint64_t> idle_traps;               // HLT exits
    std::optional<IrqCounts> timer_irqs;              // "interrupts"."timer"
    std::optional<IrqCounts> device_irqs;             // "interrupts"."device"
    std::string guest_timer;  // "pv" | "tsc-deadline" | "lapic-oneshot" | "simulated" | ""
    std::optional<uint64_t> guest_tsc_khz;
    std::vector<wfisleep_stats> governor_stats;  // one per vCPU (empty in inkernel mode)
    // Appended to the contract: largest |predicted - measured| host time of
    // a guest TSC reading at the end of the run (the pv timer's mapping error).
    std::optional<double> tsc_map_error_us;
    // Appended: the workload window (guest WFIS MARK start .. end).
    std::optional<double> workload_s;        // its wall length
    std::optional<double> workload_cpu_pct;  // whole process over it, % of one core
    // vCPU threads' time in the governor's poll and spin phases over the
    // window, % of one core; null for governors whose busy time is a trap
    // loop (off, qemu10) and in in-kernel mode.
    std::optional<double> governor_cpu_pct;
    std::optional<uint64_t> kvm_halt_poll_ns;  // in-kernel: KVM's halt polling in the window
    // vCPU threads' run-queue wait over the window, % of (window x vCPUs).
    std::optional<double> runq_wait_pct;
    // Device requests raised beyond the per-vCPU outstanding cap (not timed).
    std::optional<uint64_t> device_over_cap;
    // The exact samples behind the two distributions, in ns (not in the
    // JSON; --samples writes them): every vCPU's ring, and the device's first
    // LatencyStore::kDefaultExact latencies. Empty when not exact. Signed:
    // an early timer interrupt is negative (wake latencies never are).
    std::vector<int32_t> timer_samples_ns, wake_samples_ns;
    // Appended: the scenario's host timer ("host_timer": {kind, permille,
    // max_us, shape}; the last three null for linux). macos is a MODEL of
    // macOS coalescing on the governors' sleeps, not a Mac measurement.
    HostTimerSpec host_timer;
    // Appended: the scenario's kick pattern, "vector" or "qemu" ("kicks").
    std::string kicks = "vector";
    // Appended: each vCPU thread's timer slack (prctl) read at its end,
    // userspace mode only ("vcpu_timer_slack_ns").
    std::vector<std::optional<uint64_t>> vcpu_timer_slack_ns;
    // Appended: how late the governors' waits returned past the deadline
    // they were given (host clock, before the VM entry path), over every
    // vCPU inside the workload window; and the waits that returned before
    // it (not samples). Userspace mode only ("governor_return_late_us",
    // "governor_return_early").
    std::optional<LatencyUs> governor_return_late_us;
    std::optional<uint64_t> governor_return_early;
    // Appended: set when this governor shared its VM with others (A/B).
    std::optional<AbInfo> ab;
};

// Writes r's exact samples as two text lines, "timer <ns> <ns> ..." and
// "wake <ns> ...". False when the file cannot be written.
bool write_samples(const std::string &path, const RunResult &r);
// Reads what write_samples wrote; false (and *err) on a malformed file.
bool read_samples(const std::string &path, std::vector<int32_t> *timer_ns,
                  std::vector<int32_t> *wake_ns, std::string *err);

// The JSON object of docs/vmm-cli.md (one line, no trailing newline).
std::string run_result_json(const RunResult &result);

// Parses what run_result_json wrote (the bench reads wfisleep-vm's output).
// Returns false and sets *err (one line) on malformed input. Never throws.
bool parse_run_result_json(const std::string &text, RunResult *out, std::string *err);

// Multi-line human summary (ends with a newline).
std::string run_result_summary(const RunResult &result);

// Runs one VM on KVM (mode userspace or inkernel). Never throws; failures
// are reported in the result (ok = false, error = one line). An A/B run
// (options.ab_governors) also fills *ab_results with one result per
// governor, in that order (each a copy of the error when the run failed).
RunResult run_kvm(const RunOptions &options, std::vector<RunResult> *ab_results = nullptr);

// Runs the simulated backend (vmm/backends/sim_backend.cc).
RunResult run_simulated(const RunOptions &options);

}  // namespace wfisvm
