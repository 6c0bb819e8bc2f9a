// plan_convert.h - the 0.1 plan shape (poll, sleep, spin durations) to and from a plan2 phase list.
#pragma once

#include <cstdint>

#include "wfisleep/wfisleep.h"

namespace wfisleep {

// Most phases any policy produces (adaptive: poll, sleep, sleep, spin).
inline constexpr uint32_t kMaxPlanPhases = 4;

// out = plan's non-empty phases as absolute ends from start_ns: poll, then
// sleep (strict when plan.strict; WFISLEEP_FOREVER stays FOREVER and ends the
// list), then spin. Sums saturate. out.size is left as it is. Pure.
void plan2_from_plan(const wfisleep_plan &plan, uint64_t start_ns, wfisleep_plan2 &out) noexcept;

// The 0.1 shape of a phase list: poll_ns up to the end of the leading poll
// phases, sleep_ns from there to the end of the last sleep phase (FOREVER if
// it is one), spin_ns the rest; strict if any sleep is. Pure.
wfisleep_plan plan_from_plan2(const wfisleep_plan2 &plan) noexcept;

}  // namespace wfisleep
