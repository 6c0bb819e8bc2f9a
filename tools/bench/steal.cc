// steal.cc - the "cpu" line of /proc/stat.
#include "steal.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace wfisbench {

std::optional<CpuTimes> parse_proc_stat(const std::string &text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("cpu ", 0) != 0) continue;
        std::istringstream fields(line.substr(4));
        std::vector<uint64_t> v;
        uint64_t x = 0;
        while (fields >> x) v.push_back(x);
        // user nice system idle iowait irq softirq steal [guest guest_nice]:
        // guest time is already inside user, so only the first eight add up.
        if (v.size() < 8) return std::nullopt;
        CpuTimes t;
        t.steal = v[7];
        for (size_t i = 0; i < 8; i++) t.total += v[i];
        return t;
    }
    return std::nullopt;
}

std::optional<CpuTimes> read_cpu_times(const std::string &path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_proc_stat(ss.str());
}

std::optional<double> steal_pct(const CpuTimes &before, const CpuTimes &after) {
    if (after.total <= before.total || after.steal < before.steal) return std::nullopt;
    return 100.0 * static_cast<double>(after.steal - before.steal) /
           static_cast<double>(after.total - before.total);
}

}  // namespace wfisbench
