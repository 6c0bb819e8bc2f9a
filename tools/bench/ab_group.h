// ab_group.h - --in-vm-ab: which runs of a block share one VM (our governors on one scenario),
// and running such a group in one wfisleep-vm whose results split back into per-governor runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "run_result.h"
#include "vm_runner.h"

namespace wfisbench {

// Whether a plan may share its VM: our governors in wfisleep-vm's userspace
// mode. Not peers (fresh VMs), not deadline+spin:us=match (its spin comes
// from adaptive's result in the same block, unknown before that VM ends),
// not compute (its work rate comes only from the guest's final report).
bool ab_eligible(const RunPlan &plan);

// Gives the eligible plans of each block and scenario one group id when
// there are at least two of them (ids unique over the list); the others
// keep -1.
void assign_ab_groups(std::vector<RunPlan> *runs);

// The A/B segment and settle lengths (ms) for runs of `seconds` each: 250
// and 50, shorter for runs below 0.5 s so every governor gets two segments.
uint32_t ab_segment_ms(double seconds);
uint32_t ab_settle_ms(double seconds);

// The guest run length of a group's VM: the plans' seconds together, plus
// one segment.
double ab_vm_seconds(const std::vector<RunPlan> &plans);

// The note that says which rows ran A/B in one VM, and how.
std::string ab_note(const std::vector<RunPlan> &runs, double seconds);

// The wfisleep-vm command of a group: the first plan's, each plan's
// governor in turn, the run as long as the plans together.
std::vector<std::string> vm_ab_command(const std::vector<RunPlan> &plans, const VmSetup &setup,
                                       const std::string &json_path,
                                       const std::string &samples_path);

// Runs a group in one VM: one result per plan, in the plans' order, each
// as if the plan had run alone (failures: each plan gets the error).
std::vector<RunResult> run_vm_ab(const std::vector<RunPlan> &plans, const VmSetup &setup);

}  // namespace wfisbench
