// matrix.h - turns the options into the interleaved list of runs, deciding which peers can run.
#pragma once

#include <string>
#include <vector>

#include "options.h"
#include "run_result.h"

namespace wfisbench {

// What the host offers the peers (probed once; tests pass their own).
struct HostFacts {
    bool kvm = false;    // /dev/kvm opens read-write
    bool vm = false;     // wfisleep-vm is executable
    bool guest = false;  // the guest kernel file exists
    std::string vm_path, guest_path, qemu_path;
    bool qemu = false;  // qemu_path is executable
    // The real-QEMU rows: why they cannot run here ("" when they can; set
    // by the caller after resolving the builds and the guest).
    std::string tcg_missing;
};
HostFacts probe_host(const Options &opt);

// A run that was not done, and why (printed and recorded in the JSON).
struct Skip {
    std::string scenario;
    std::string governor;
    std::string reason;
};

// Peer names in the order they run after the governors.
std::vector<std::string> peer_names();

// Why `peer` cannot run `scenario` here, or "" when it can.
std::string peer_skip_reason(const std::string &peer, const std::string &scenario, int vcpus,
                             const HostFacts &host);

// vCPUs a scenario runs with: busy+idle for compute, the vcpus key of a
// linux-* scenario, else `vcpus`.
int scenario_vcpus(const std::string &scenario, int vcpus);

// The governor text handed to wfisleep-vm: the seed gets grace_ms=0 unless given.
std::string vm_governor_spec(const std::string &governor);

// The workload seed of block `block` (arrivals, tickless intervals, the
// host-timer model's draws): every governor in a block gets the same one,
// and each block its own, drawn from --seed.
uint64_t block_seed(uint64_t seed, int block);

struct Matrix {
    // Blocks 0..K-1 in order; within each block every (scenario, governor or
    // peer) pair once, in a permutation drawn from opt.seed (order = index).
    // Real-QEMU rows (qemu-tcg:... on linux-* scenarios) are in the first
    // min(opt.tcg_repeat, K) blocks only, with opt.tcg_seconds.
    std::vector<RunPlan> runs;
    std::vector<Skip> skips;
};
Matrix build_matrix(const Options &opt, const HostFacts &host);

}  // namespace wfisbench
