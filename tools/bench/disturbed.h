// disturbed.h - flags runs whose host was visibly busy with other work: the vCPU threads waited on
// the run queue more than the scenario's own overcommit explains.
#pragma once

#include "run_result.h"

namespace wfisbench {

// Allowed run-queue wait, % of (workload window x vCPUs): 10% when every
// vCPU can have a core, plus 25% x the share of vCPUs beyond the host's
// cores (compute:busy=1,idle=3 on 2 cores: 22.5%).
double runq_wait_allowance_pct(int vcpus, int host_cores);

// runq_wait_pct above the allowance (false when it was not measured).
bool is_disturbed(const RunResult &r, int host_cores);

}  // namespace wfisbench
