// disturbed.h - flags runs whose host was visibly busy with other work: the vCPU threads waited on
// the run queue more than the scenario's own overcommit explains.
#pragma once

#include "run_result.h"

namespace wfisbench {

// Allowed run-queue wait, % of (workload window x vCPUs): 10% for other
// work, plus the most the VM's own overcommit can cause: with every vCPU
// runnable (a spinning governor), the share of vCPUs beyond the host's
// cores waits (compute:busy=1,idle=3 on 2 cores: 10% + 50% = 60%).
double runq_wait_allowance_pct(int vcpus, int host_cores);

// runq_wait_pct above the allowance (false when it was not measured).
bool is_disturbed(const RunResult &r, int host_cores);

}  // namespace wfisbench
