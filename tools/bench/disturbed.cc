// disturbed.cc - the probe and steal limits.
#include "disturbed.h"

#include <fmt/format.h>

namespace wfisbench {

std::string disturbed_reason(const RunResult &r) {
    std::string why;
    auto add = [&](const std::string &s) { why += (why.empty() ? "" : "; ") + s; };
    if (r.probe && r.probe->count > 0 && r.probe->over_1ms > kProbeOver1msLimit)
        add(fmt::format("wake-up probe: {:.1f}% of sleeps over 1 ms late (limit {:.0f}%)",
                        100 * r.probe->over_1ms, 100 * kProbeOver1msLimit));
    if (r.steal_pct && *r.steal_pct > kStealLimitPct)
        add(fmt::format("steal {:.1f}% (limit {:.0f}%)", *r.steal_pct, kStealLimitPct));
    return why;
}

std::set<int> flagged_blocks(const std::vector<RunResult> &runs) {
    std::set<int> b;
    for (const auto &r : runs)
        if (r.disturbed) b.insert(r.plan.repeat);
    return b;
}

}  // namespace wfisbench
