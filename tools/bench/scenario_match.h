// scenario_match.h - whether two scenario specs name the same run on every key (the goals'
// scenarios are matched this way, never by a subset of keys).
#pragma once

#include <string>

namespace wfisbench {

// True when both parse and every key agrees once defaults are filled in
// ("idle" and "idle:hz=1000" are the same; "idle:hz=1000,kicks=qemu" is
// not). Whether a key was written or defaulted does not matter.
bool same_scenario(const std::string &a, const std::string &b);

}  // namespace wfisbench
