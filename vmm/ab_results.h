// ab_results.h - splits an A/B run into one RunResult per governor from what each governor's
// counted parts measured.
#pragma once

#include <vector>

#include "guest_memory.h"
#include "run.h"
#include "vm_context.h"

namespace wfisvm {

// whole: the run's own result (ok). Per governor, in --governor order: the
// figures of its counted parts; what cannot be split is null (docs/vmm-cli.md).
// A governor that got no counted part is an error result.
std::vector<RunResult> ab_results(const RunResult &whole, const VmContext &vm,
                                  const GuestMemory &mem);

}  // namespace wfisvm
