// vm_pair.h - the scenario key vms=N: N wfisleep-vm processes of one governor run side by side,
// their figures pooled into one result.
#pragma once

#include <cstdint>
#include <vector>

#include "run_result.h"
#include "vm_runner.h"

namespace wfisbench {

// VM k's workload seed: the block's own for k = 0, one drawn from it for the
// others, so every governor of a block meets the same N workloads and the N
// VMs do not replay one.
uint64_t side_vm_seed(uint64_t block_seed, int k);

// One result from the side-by-side runs of a plan: exact samples
// concatenated (and their distributions recomputed from them); CPU figures
// (host, workload, governor, per vCPU) summed, as are counters (exits, idle
// traps, interrupts, poll + spin time, lost interrupts, wake-ups per s), so
// spin per wake is the summed spin over the summed timer interrupts;
// run-queue wait the mean (each is a share of its own vCPUs' window); wall
// and window the longest; a figure without samples to pool (governor
// return lateness, a histogram-only distribution) the largest of each
// percentile and the summed count. It fails when any VM failed, with that
// VM's error.
RunResult pool_side_by_side(const RunPlan &plan, const std::vector<RunResult> &each);

// Starts scenario_vms_key(plan.scenario) wfisleep-vm processes at once,
// waits for all and pools them.
RunResult run_vms_side_by_side(const RunPlan &plan, const VmSetup &setup);

}  // namespace wfisbench
