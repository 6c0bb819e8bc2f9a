// learned_advance.h - the adaptive policy's learned wake-up advance as the bench reports it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wfisbench {

// Every class of sleep length starts at the library's default advance
// (WFISLEEP_ADAPTIVE_ADVANCE_INIT_NS, 10 us) and keeps it until a sleep of
// that length teaches it something. The stats carry no per-class sample
// count, so a class whose advance still equals the start is read as unused.
constexpr uint64_t kUntouchedAdvanceNs = 10000;

// The learned classes of one run, pooled over its vCPUs: their median and
// their largest advance, in microseconds.
struct AdvanceFigures {
    double p50_us = 0;
    double max_us = 0;
    int classes = 0;  // (vCPU, class) pairs that learned anything
};

// `per_vcpu` holds each vCPU's class_advance_ns (empty for non-adaptive
// governors). `start_ns` is the value an untouched class holds. nullopt when
// no class of any vCPU moved from it.
std::optional<AdvanceFigures> learned_advance(const std::vector<std::vector<uint64_t>> &per_vcpu,
                                              uint64_t start_ns = kUntouchedAdvanceNs);

// The table cell: "p50/max" in us (e.g. "4.2/11"), "-" when either is absent.
std::string advance_cell(std::optional<double> p50_us, std::optional<double> max_us);

}  // namespace wfisbench
