// run_result.h - what one bench run (one fresh VM) measured, and what it was asked to do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "latency_dist.h"
#include "probe_stats.h"

namespace wfisbench {

// A latency distribution in microseconds (exact per-run percentiles, or
// `approx` histogram figures); a backend that cannot measure it leaves it empty.
using Quantiles = wfisvm::LatencyUs;

// Which program runs the guest.
// kQemuTcg: a real qemu-system-aarch64 (TCG) running the arm64 Linux guest.
enum class Backend { kKvm, kInkernel, kQemu, kSimulated, kQemuTcg };
const char *backend_name(Backend b);

// One planned run: scenario x governor x repeat. `governor` is what the table
// and JSON show (the spec as given, or the peer's name); `vm_governor` is what
// is handed to wfisleep-vm (e.g. the seed with grace_ms=0 appended).
struct RunPlan {
    std::string scenario;
    std::string governor;
    std::string vm_governor;
    Backend backend = Backend::kKvm;
    bool peer = false;                     // inkernel / qemu runs
    std::optional<uint64_t> halt_poll_ns;  // inkernel:poll=0
    bool qemu_irqchip = true;              // qemu:irqchip=on|off
    int vcpus = 1;
    double seconds = 1;
    int repeat = 0;     // the block index 0..K-1
    int order = 0;      // position in the run sequence (blocks in order, permuted within)
    uint64_t seed = 1;  // the block's workload seed (block_seed), handed to the VM or guest
    // deadline+spin:us=match: the spin (us) the row ran with (spin_match.h).
    std::optional<uint64_t> spin_match_us;
    // --in-vm-ab: plans of one block and scenario with the same group >= 0
    // run together in one VM (ab_group.h); -1 = a fresh VM of its own.
    int ab_group = -1;
};

// A run that shared one VM with the other governors of its block and
// scenario (--in-vm-ab): how its figures were gathered (wfisleep-vm's "ab").
struct InVmAb {
    uint64_t segments = 0;  // counted segments this governor ran
    double counted_s = 0;   // their counted parts' total length
    uint32_t segment_ms = 0, settle_ms = 0;
    std::vector<std::string> governors;  // every governor of that VM
};

// One completed (or failed) run. Optional figures are null in the JSON.
struct RunResult {
    RunPlan plan;
    Backend backend = Backend::kKvm;  // as reported (simulated when no KVM)
    bool ok = false;                  // completed, nothing lost
    bool usage_error = false;         // the runner rejected the request (exit 2)
    std::string error;                // one line, empty when ok
    int exit_code = 0;
    std::optional<double> host_cpu_pct;
    std::optional<double> wall_s;
    std::optional<double> wakeups_per_s;
    std::optional<Quantiles> timer_lateness_us;
    std::optional<Quantiles> wake_latency_us;
    // How late the governor's waits returned past their deadlines (host
    // clock, before the VM entry path) and how many returned before them;
    // wfisleep-vm userspace runs only (absent for peers and older JSON).
    std::optional<Quantiles> governor_return_late_us;
    std::optional<int64_t> governor_return_early;
    std::optional<double> work_rate;
    std::optional<int64_t> lost_interrupts;
    std::optional<int64_t> exits;
    std::optional<int64_t> idle_traps;
    // wfisleep-vm userspace runs: the vCPUs' poll + spin time summed over
    // vCPUs (governor_stats) and the timer interrupts the guest handled
    // (interrupts.timer.handled), over the whole run; absent in in-kernel mode.
    std::optional<uint64_t> governor_poll_spin_ns;
    std::optional<uint64_t> timer_irqs_taken;
    // Adaptive: each vCPU's learned advance per class of sleep length, ns
    // (class_advance_ns; empty for the other governors and peers).
    std::vector<std::vector<uint64_t>> class_advance_ns;
    std::optional<double> qemu_boot_s;  // QEMU: start to the guest's first report line
    std::string guest_timer;            // pv / tsc-deadline / lapic-oneshot, when known
    std::vector<double> vcpu_cpu_pct;
    // Raise-to-ack latency distribution, when the runner provides one:
    // (upper edge us, cumulative fraction) points for the CDF plot.
    std::vector<std::pair<double, double>> wake_cdf;
    // The workload window (guest WFIS MARK start .. end).
    std::optional<double> workload_s;
    std::optional<double> workload_cpu_pct;
    // QEMU: worst-case error of workload_cpu_pct from sampling the process's
    // schedstat at the MARK lines (sampling gaps x host cores / window).
    std::optional<double> workload_cpu_error_pct;
    std::optional<double> governor_cpu_pct;  // null: trap-loop governors, peers
    std::optional<int64_t> kvm_halt_poll_ns;
    std::optional<double> runq_wait_pct;  // vCPU threads' run-queue wait, % of window x vCPUs
    // Disturbance the bench sees from outside the VM over the run: steal
    // (/proc/stat, % of all CPU time) and the wake-up probe (wake_probe.h).
    std::optional<double> steal_pct;
    std::optional<ProbeStats> probe;
    bool disturbed = false;     // flagged by the rule in disturbed.h
    std::string disturbed_why;  // which limit, with the figure
    // The exact samples (ns) behind the two distributions, for pooling (not
    // in the JSON); empty when the runner had none.
    std::vector<int32_t> timer_samples_ns, wake_samples_ns;  // signed: early timer ticks < 0
    // qemu-tcg rows: the guest's ping round trips, and the wfisleep glue's
    // exit statistics (wfisleep builds with WFISLEEP_STATS=1).
    std::optional<Quantiles> ping_rtt_us;
    std::optional<int64_t> tcg_waits_entered;
    std::vector<std::string> tcg_stats;
    std::optional<InVmAb> in_vm_ab;
};

}  // namespace wfisbench
