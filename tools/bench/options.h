// options.h - wfisleep-bench command line: flags, defaults (the default matrix), validation.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wfisbench {

struct Options {
    std::vector<std::string> scenarios;  // as given (or the default matrix)
    std::vector<std::string> governors;  // as given (or the default matrix)
    double seconds = 1;
    int vcpus = 1;
    int repeat = 8;      // K blocks
    bool quick = false;  // --quick: 3 blocks, no intervals, goals not evaluated
    bool peers = false;
    uint64_t seed = 1;
    std::string json_path;        // empty: no JSON file
    std::string plot_path;        // empty: no plot; .png or .svg
    std::string vm_path;          // wfisleep-vm
    std::string guest_path;       // wfis-guest.elf
    std::string qemu_path;        // qemu-system-x86_64
    bool default_matrix = false;  // neither --scenario nor --governor given
    // --host-timer: the host-timer kind of scenarios that give no host= key
    // ("linux" or "macos"; macos is a MODEL of macOS coalescing). Already
    // applied to `scenarios` (as ",host=macos") by parse_options.
    std::string host_timer = "linux";
    // --kicks: the kick pattern of scenarios that give no kicks= key
    // ("vector" or "qemu"), applied to `scenarios` the same way.
    std::string kicks = "vector";
    // --reference: a governor every other row is also compared with (a sweep)
    std::string reference;
    // --fail-on-goals: the exit status says whether the goals were met
    // (goals_exit_status in goals.h).
    bool fail_on_goals = false;
    // The real-QEMU rows (qemu-tcg:BUILD[:POLICY] in `governors`, linux-*
    // scenarios in `scenarios`; tcg_spec.h). They pair only with each other.
    bool no_qemu_tcg = false;  // --no-qemu-tcg: none in the default matrix
    bool full = false;         // --full: the 4-vCPU, idle and ping rows too
    // On unless --no-in-vm-ab: per block and scenario, our governors' wfisleep-vm
    // userspace runs share one VM, alternating in segments (ab_group.h);
    // peers, compute and the spin-match row keep fresh VMs.
    bool in_vm_ab = true;
    int tcg_seconds = 5;  // --tcg-seconds: each real-QEMU run's workload
    int tcg_repeat = 6;   // --tcg-repeat: the first min(this, K) blocks hold them
    std::map<std::string, std::string> tcg_qemu;  // --tcg-qemu NAME=PATH
    std::string tcg_kernel, tcg_initrd;           // --tcg-kernel, --tcg-initrd
    std::string tcg_script;                       // scripts/qemu-tcg.sh
};

// `scenario` with ",key=value" (or ":key=value") appended when it does not
// give `key` itself; unchanged otherwise. The scenario must parse.
std::string scenario_with_default(const std::string &scenario, const std::string &key,
                                  const std::string &value);

// The default matrix: scenarios (--full: more macOS-model laws) and the
// governors; about 12 minutes here with the default seconds/repeat and the
// real-QEMU rows.
std::vector<std::string> default_scenarios(bool full = false);
std::vector<std::string> default_governors();
// Which governors and peers the default matrix runs on `scenario` (the
// goals' rows plus a few explanatory ones); empty: all of them.
std::vector<std::string> default_rows(const std::string &scenario);
// The real-QEMU part of the default matrix: G6's scenario (with --full also
// 4 vCPUs, idle and ping) and G6's four rows.
std::vector<std::string> default_tcg_scenarios(bool full);
std::vector<std::string> default_tcg_rows();

// Outcome of parsing: exit_code -1 = run; 0 = printed help, exit 0;
// 2 = bad usage, `message` holds the one-line error (no trailing newline).
struct ParseOutcome {
    int exit_code = -1;
    std::string message;
};

// Parses argv; fills *out with defaults for what was not given (paths from
// the build tree, then $PATH). Validates every spec with the shared parser.
ParseOutcome parse_options(int argc, const char *const *argv, Options *out);

// Full --help text.
std::string help_text();

}  // namespace wfisbench
