// scenario_match.h - whether two scenario specs name the same run on every key (the goals'
// scenarios are matched this way, never by a subset of keys).
#pragma once

#include <string>

namespace wfisbench {

// True when both parse and every key agrees once defaults are filled in
// ("idle" and "idle:hz=1000" are the same; "idle:hz=1000,kicks=qemu" is
// not). Whether a key was written or defaulted does not matter.
bool same_scenario(const std::string &a, const std::string &b);

// The same, except that a's host-timer law (coalesce_permille, _max_us,
// _shape and whatever else the model takes) is not compared when both run
// under the macOS model: a law family's rows.
bool same_but_host_law(const std::string &a, const std::string &b);

// The bench's own scenario key vcpus=N (wfisleep-vm takes the count as
// --vcpus, not in its grammar), so one run can hold the same workload at two
// vCPU counts. vm_scenario_text: the spec without it, as handed to the VM;
// scenario_vcpus_key: N, or 0 when the key is absent or not a number.
std::string vm_scenario_text(const std::string &scenario);
int scenario_vcpus_key(const std::string &scenario);

// The bench's own scenario key vms=N: N wfisleep-vm processes of the same
// governor run side by side as one run (vm_pair.h); vm_scenario_text leaves
// it out too. 1 when absent, 0 when not a number from 1 to 8.
constexpr int kMaxVms = 8;
int scenario_vms_key(const std::string &scenario);

}  // namespace wfisbench
