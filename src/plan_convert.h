// plan_convert.h - the 0.1 plan shape (poll, sleep, spin durations) to and from a plan2 phase list.
#pragma once

#include <cstdint>

#include "wfisleep/wfisleep.h"

namespace wfisleep {

// Most phases any policy produces (adaptive: poll, sleep, sleep, spin).
inline constexpr uint32_t kMaxPlanPhases = 4;

// a + b as a finite phase end: saturates one short of UINT64_MAX, which as an
// end time means WFISLEEP_FOREVER, so a clock near its end never turns a
// bounded phase into an unbounded one. Pure.
uint64_t phase_end_add(uint64_t a, uint64_t b) noexcept;

// Appends {kind, flags, end_ns} to out (the caller keeps nphases below
// WFISLEEP_MAX_PHASES). Pure.
inline void push_phase(wfisleep_plan2 &out, uint32_t kind, uint32_t flags,
                       uint64_t end_ns) noexcept {
    out.phase[out.nphases++] = wfisleep_phase{kind, flags, end_ns};
}

// out = plan's non-empty phases as absolute ends from start_ns: poll, then
// sleep (strict when plan.strict; WFISLEEP_FOREVER stays FOREVER and ends the
// list), then spin. Sums saturate. out.size is left as it is. Pure.
void plan2_from_plan(const wfisleep_plan &plan, uint64_t start_ns, wfisleep_plan2 &out) noexcept;

// The 0.1 shape of a phase list: poll_ns up to the end of the leading poll
// phases, sleep_ns from there to the end of the last sleep phase (FOREVER if
// it is one), spin_ns the rest; strict if any sleep is. Pure.
wfisleep_plan plan_from_plan2(const wfisleep_plan2 &plan) noexcept;

}  // namespace wfisleep
