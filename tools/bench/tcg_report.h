// tcg_report.h - reads the arm64 Linux guest's WFISG lines (cyclictest and ping histograms) and
// the wfisleep QEMU glue's exit statistics, into the bench's exact latency figures.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run_result.h"

namespace wfisbench {

// What one boot's WFISG lines say; a READY line (a reset) starts over.
struct TcgGuestReport {
    int ready = 0;  // READY lines seen
    int cpus = 0;
    bool mark_start = false, mark_end = false;
    std::string end;  // END status ("ok", "error"), "" when no END line
    std::vector<std::string> errors;
    std::map<int64_t, uint64_t> ct_hist;    // us -> wake-ups, every thread merged
    uint64_t ct_overflows = 0;              // wake-ups at or above the histogram's 20 ms
    std::optional<int64_t> ct_max_us;       // the largest over the threads (CTSTAT max)
    bool ct_done = false;                   // the CT line
    std::map<int64_t, uint64_t> ping_hist;  // us -> round trips
    std::optional<int64_t> ping_sent, ping_received;
};

// Parses the serial text (kernel messages and \r are ignored). false with
// *err when a WFISG line is malformed.
bool parse_tcg_guest(const std::string &serial, TcgGuestReport *out, std::string *err);

// Exact nearest-rank figures of a whole-us histogram (rank ceil(q x n), the
// bench's rule: p50/p90/p99 from 100 samples, p99.9 from 1000). `overflows`
// are samples above every bucket, placed at `overflow_us` (cyclictest's max);
// a quantile that lands on them is that max and the figures are marked
// exact = false. nullopt when there is no sample.
std::optional<Quantiles> tcg_histogram_distribution(const std::map<int64_t, uint64_t> &hist,
                                                    uint64_t overflows = 0,
                                                    int64_t overflow_us = 0);

// The same histogram expanded to samples in ns (for the pooled CDF).
std::vector<int32_t> tcg_histogram_samples_ns(const std::map<int64_t, uint64_t> &hist,
                                              uint64_t overflows = 0, int64_t overflow_us = 0);

// The wfisleep glue's lines on QEMU's stderr at exit (WFISLEEP_STATS=1).
struct TcgGlueStats {
    std::optional<int64_t> waits_entered;  // "wfisleep: tcg: N waits entered"
    std::vector<std::string> vcpu_lines;   // "wfisleep: vCPU n (...): ..."
};
TcgGlueStats parse_tcg_glue_stats(const std::string &stderr_text);

}  // namespace wfisbench
