// report_vm_sharing.cc - the reports' one clause on fresh VMs and A/B in one VM.
#include "report_vm_sharing.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace wfisbench {

std::string vm_sharing_clause(const nlohmann::json &doc) {
    size_t runs = 0, shared = 0;
    long segment_ms = -1, settle_ms = -1;
    bool uniform = true;
    std::vector<double> counted;
    if (doc.is_object() && doc.contains("runs") && doc["runs"].is_array()) {
        for (const auto &r : doc["runs"]) {
            runs++;
            if (!r.is_object() || !r.contains("in_vm_ab") || !r["in_vm_ab"].is_object()) continue;
            const auto &ab = r["in_vm_ab"];
            shared++;
            if (ab.contains("counted_s") && ab["counted_s"].is_number())
                counted.push_back(ab["counted_s"].get<double>());
            const long seg = ab.value("segment_ms", -1L), set = ab.value("settle_ms", -1L);
            if (segment_ms < 0) {
                segment_ms = seg;
                settle_ms = set;
            } else if (seg != segment_ms || set != settle_ms) {
                uniform = false;
            }
        }
    }
    if (shared == 0) return "each a fresh VM";
    const std::string segments =
        uniform && segment_ms > 0
            ? fmt::format("alternating every {} ms, the first {} ms of each segment discarded",
                          segment_ms, settle_ms)
            : std::string("alternating in segments, the first part of each discarded");
    std::string measured;
    if (!counted.empty()) {
        std::nth_element(counted.begin(), counted.begin() + counted.size() / 2, counted.end());
        measured = fmt::format(", median {:.2f} s counted per run", counted[counted.size() / 2]);
    }
    if (shared == runs)
        return fmt::format(
            "all of them A/B in one VM per block and scenario ({}, each governor's figures "
            "pooled over its segments{})",
            segments, measured);
    return fmt::format(
        "{} of them A/B in one VM per block and scenario ({}, each governor's figures pooled "
        "over its segments{}), the other {} each a fresh VM",
        shared, segments, measured, runs - shared);
}

}  // namespace wfisbench
