// disturbed.h - the rule that flags a run whose host visibly disturbed it: the wake-up probe saw
// late wake-ups, or the hypervisor below took the host's CPUs away (steal). Written down in
// docs/bench.md before any run; no allowance for the VM's own load.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "run_result.h"

namespace wfisbench {

// More than 1% of the probe's 1 ms sleeps ended over 1 ms late (a healthy
// host wakes a sleeper within tens of us; the figures' own 1 ms tail is
// what such wake-ups would fake).
constexpr double kProbeOver1msLimit = 0.01;
// Steal above 1% of all CPU time over the run.
constexpr double kStealLimitPct = 1.0;

// Why r is flagged ("" when it is not): which limit it passed, with the
// figure. Missing figures flag nothing. The run-queue wait is not used: it
// is mostly the VM's own overcommit, not disturbance.
std::string disturbed_reason(const RunResult &r);

// The blocks holding at least one flagged run (reported apart).
std::set<int> flagged_blocks(const std::vector<RunResult> &runs);

}  // namespace wfisbench
