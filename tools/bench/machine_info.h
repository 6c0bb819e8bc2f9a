// machine_info.h - describes the host a bench ran on (kernel, CPU, KVM module, load, commit).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace wfisbench {

// Reads /proc and /sys; `qemu_path` (may be empty) for its version line.
nlohmann::json machine_info(const std::string &qemu_path);

// The commit of the source tree at `src` ("" when it is not a git work tree),
// with "-dirty" appended when a tracked file differs from it anywhere but in
// what the results scripts write (results/, docs/results.md, README.md), so a
// run that is writing its own report still names a clean commit. The scripts
// themselves refuse to start unless README.md differs only in its generated
// sections.
std::string source_commit(const std::string &src);

// 1-minute load average from /proc/loadavg (-1 if unreadable).
double load_average_1m();

}  // namespace wfisbench
