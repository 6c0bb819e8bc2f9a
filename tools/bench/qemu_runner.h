// qemu_runner.h - one peer run of the same guest under Debian's qemu-system-x86_64 -accel kvm.
#pragma once

#include <string>
#include <vector>

#include "run_result.h"

namespace wfisbench {

struct QemuSetup {
    std::string qemu_path;
    std::string guest_path;
    std::string work_dir;
    std::string bios;  // qboot.rom when installed ("" = QEMU's default SeaBIOS)
};

// qboot's path when installed: it boots in about a second here, SeaBIOS in 15-30 s.
std::string find_qboot();

// The guest command line for a scenario under QEMU: what wfisleep-vm passes,
// with the LAPIC timer. Returns "" and sets *err if QEMU cannot run it.
std::string qemu_guest_cmdline(const std::string &scenario, double seconds, uint64_t seed,
                               int vcpus, std::string *err);

// The QEMU command line (exposed for tests).
// ram_path: back guest RAM with this file (memory-backend-file, share=on) so
// the bench can read the guest's exact sample rings after the run; "" = none.
std::vector<std::string> qemu_command(const RunPlan &plan, const QemuSetup &setup,
                                      const std::string &cmdline, const std::string &serial_path,
                                      const std::string &ram_path = "");

// Fills the guest-measured figures from the serial log with the shared report
// parser; the report must cover `vcpus` vCPUs. QEMU cannot measure wake
// latency, exits or lost interrupts: null.
bool fill_from_serial(const std::string &serial, const std::string &scenario, int vcpus,
                      RunResult *out, std::string *err);

// Runs the plan under QEMU. Host CPU: the QEMU process's CPU time from the
// guest's first report line (its run starts) to exit (wait4 rusage), over that
// wall time, so firmware boot is not counted.
RunResult run_qemu(const RunPlan &plan, const QemuSetup &setup);

}  // namespace wfisbench
