// machine_info.h - describes the host a bench ran on (kernel, CPU, KVM module, load, commit).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace wfisbench {

// Reads /proc and /sys; `qemu_path` (may be empty) for its version line.
nlohmann::json machine_info(const std::string &qemu_path);

// 1-minute load average from /proc/loadavg (-1 if unreadable).
double load_average_1m();

}  // namespace wfisbench
