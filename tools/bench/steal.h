// steal.h - steal time from /proc/stat: CPU time the hypervisor below this host gave to others
// while this host's vCPUs were runnable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace wfisbench {

// The aggregate "cpu" line's steal and total (every field), in USER_HZ ticks.
struct CpuTimes {
    uint64_t steal = 0, total = 0;
};

// Parses /proc/stat's text; nullopt when its "cpu " line is missing or short.
std::optional<CpuTimes> parse_proc_stat(const std::string &text);
// Reads the file (default /proc/stat).
std::optional<CpuTimes> read_cpu_times(const std::string &path = "/proc/stat");

// Steal between two readings, % of all CPU time over that span (0..100);
// nullopt when no time passed or the counters went backwards.
std::optional<double> steal_pct(const CpuTimes &before, const CpuTimes &after);

}  // namespace wfisbench
