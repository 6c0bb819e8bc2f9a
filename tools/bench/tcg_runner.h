// tcg_runner.h - one run of a real-QEMU row: qemu-system-aarch64 (TCG) booting the arm64 Linux
// guest with one workload, its CPU read at the guest's MARK lines, the guest's histograms parsed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "run_result.h"
#include "tcg_spec.h"

namespace wfisbench {

// Where the builds and the guest are (flags, or scripts/qemu-tcg.sh).
struct TcgPaths {
    std::map<std::string, std::string> qemu;  // build name -> qemu-system-aarch64
    std::string kernel, initrd;
    std::string missing;  // why the rows cannot run ("" when they can)
};

// Runs `script build` / `script guest` (its progress goes to our stderr, so
// a cold cache's QEMU build shows) for whatever the flags did not give, and
// checks every path. Builds not in `builds` are not asked for.
// wfisleep_build: the project build whose library the patched QEMUs load
// (the script's --wfisleep-build; "" = its default).
TcgPaths resolve_tcg_paths(const std::map<std::string, std::string> &qemu_flags,
                           const std::string &kernel_flag, const std::string &initrd_flag,
                           const std::string &script, const std::vector<std::string> &builds,
                           const std::string &wfisleep_build = "");

// The lines "NAME PATH" of the script's stdout, as a map.
std::map<std::string, std::string> parse_name_path_lines(const std::string &text);

struct TcgSetup {
    TcgPaths paths;
    std::string work_dir;
};

// The command line: env(1) sets the QEMU process's environment (the row's
// WFISLEEP_POLICY or none, WFISLEEP_STATS=1), then QEMU with TCG, the
// guest, serial to `serial_path` (a file), user networking for ping only.
std::vector<std::string> tcg_command(const RunPlan &plan, const TcgSetup &setup,
                                     const std::string &serial_path, std::string *err);

// Runs the plan. Workload CPU: the QEMU process's per-task schedstat summed
// when each MARK line has been written (the bench sleeps on the serial
// file's write events, no polling), the vCPU threads' ("CPU n/TCG") apart.
RunResult run_qemu_tcg(const RunPlan &plan, const TcgSetup &setup);

// Fills the guest-measured figures (cyclictest lateness, ping round trips)
// from the serial text; false with *err when the guest did not finish.
bool fill_from_tcg_serial(const std::string &serial, const std::string &scenario, int vcpus,
                          RunResult *out, std::string *err);

}  // namespace wfisbench
