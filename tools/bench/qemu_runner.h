// qemu_runner.h - one peer run of the same guest under Debian's qemu-system-x86_64 -accel kvm.
#pragma once

#include <string>
#include <vector>

#include "run_result.h"

namespace wfisbench {

struct QemuSetup {
    std::string qemu_path;
    std::string guest_path;
    uint64_t seed = 1;
    std::string work_dir;
};

// The guest command line for a scenario under QEMU (LAPIC timer, 1 vCPU).
// Returns "" and sets *err if the scenario cannot run there.
std::string qemu_guest_cmdline(const std::string &scenario, double seconds, uint64_t seed,
                               std::string *err);

// The QEMU command line (exposed for tests).
std::vector<std::string> qemu_command(const RunPlan &plan, const QemuSetup &setup,
                                      const std::string &cmdline, const std::string &serial_path);

// Fills the guest-measured figures from the serial log with the shared report
// parser. QEMU cannot measure wake latency, exits or lost interrupts: null.
bool fill_from_serial(const std::string &serial, const std::string &scenario, RunResult *out,
                      std::string *err);

// Runs the plan under QEMU; host CPU from wait4's rusage of the QEMU process.
RunResult run_qemu(const RunPlan &plan, const QemuSetup &setup);

}  // namespace wfisbench
