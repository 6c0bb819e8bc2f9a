// report_reference.h - per-scenario Markdown tables of every row over one reference governor.
#pragma once

#include <string>
#include <vector>

#include "summary.h"

namespace wfisbench {

// For each scenario: | governor | p50 us | p99 us | gov return p50 us |
// gov return p99 us | governor CPU % | workload CPU % | p50 / ref | p99 / ref |
// return p50 / ref | return p99 / ref | wCPU / ref |, medians over blocks
// and ratios paired by block with their 95% interval (intervals = false:
// estimates only). p50/p99 are wake latency for pingpong and burst, timer
// lateness otherwise; scenarios with a work rate add it and its ratio.
// Scenarios without the reference row are left out. Used for parameter
// sweeps (docs/adaptive.md).
// `commit` (when given) is named in every table's heading.
std::string format_reference_tables(const std::vector<Group> &groups, const std::string &reference,
                                    bool intervals, const std::string &commit = "");

}  // namespace wfisbench
