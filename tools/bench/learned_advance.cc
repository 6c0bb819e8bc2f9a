// learned_advance.cc - the median and the largest of a run's learned per-class advances.
#include "learned_advance.h"

#include <algorithm>

#include "report_table.h"

namespace wfisbench {

std::optional<AdvanceFigures> learned_advance(const std::vector<std::vector<uint64_t>> &per_vcpu,
                                              uint64_t start_ns) {
    std::vector<double> us;
    for (const auto &classes : per_vcpu)
        for (uint64_t ns : classes)
            if (ns != start_ns) us.push_back(static_cast<double>(ns) / 1e3);
    if (us.empty()) return std::nullopt;
    std::sort(us.begin(), us.end());
    const size_t mid = us.size() / 2;
    AdvanceFigures f;
    f.p50_us = us.size() % 2 ? us[mid] : (us[mid - 1] + us[mid]) / 2;
    f.max_us = us.back();
    f.classes = static_cast<int>(us.size());
    return f;
}

std::string advance_cell(std::optional<double> p50_us, std::optional<double> max_us) {
    if (!p50_us || !max_us) return "-";
    return fmt_num(*p50_us) + "/" + fmt_num(*max_us);
}

}  // namespace wfisbench
