// scenario_match.cc - compares two parsed scenario specs field by field.
#include "scenario_match.h"

#include <tuple>

#include "spec.h"
#include "tcg_spec.h"

namespace wfisbench {

namespace {

// Every field the grammar sets; the text and the *_given flags are left out
// on purpose (they record how a key was written, not what runs).
auto keys(const wfisvm::ScenarioSpec &s) {
    const auto &h = s.host_timer;
    return std::tie(s.workload, s.hz, s.mean_ms, s.rate, s.tick_hz, s.poisson, s.len, s.think_us,
                    s.busy, s.idle, s.idle_hz, h.kind, h.permille, h.max_us, h.shape, h.window_us,
                    s.kicks);
}

}  // namespace

bool same_scenario(const std::string &a, const std::string &b) {
    if (is_tcg_scenario(a) || is_tcg_scenario(b))
        return is_tcg_scenario(a) && is_tcg_scenario(b) && same_tcg_scenario(a, b);
    wfisvm::ScenarioSpec sa, sb;
    std::string err;
    if (!wfisvm::parse_scenario(a, &sa, &err) || !wfisvm::parse_scenario(b, &sb, &err))
        return false;
    return keys(sa) == keys(sb);
}

}  // namespace wfisbench
