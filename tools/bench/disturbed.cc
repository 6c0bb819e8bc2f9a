// disturbed.cc - the run-queue wait allowance per scenario.
#include "disturbed.h"

#include <algorithm>

namespace wfisbench {

double runq_wait_allowance_pct(int vcpus, int host_cores) {
    const int v = std::max(vcpus, 1), c = std::max(host_cores, 1);
    const double over = v > c ? static_cast<double>(v - c) / v : 0.0;
    return 10.0 + 100.0 * over;
}

bool is_disturbed(const RunResult &r, int host_cores) {
    return r.runq_wait_pct && *r.runq_wait_pct > runq_wait_allowance_pct(r.plan.vcpus, host_cores);
}

}  // namespace wfisbench
