// canned_runs.h - builds latency figures for the bench's unit tests on canned run results.
#pragma once

#include "run_result.h"

namespace benchtest {

// An exact distribution of 1000 samples with the given p50, p99 and max
// (p90 between them; p99.9 not shown at this count).
inline wfisbench::Quantiles lat3(double p50, double p99, double max) {
    wfisbench::Quantiles q;
    q.p50 = p50;
    q.p90 = (p50 + p99) / 2;
    q.p99 = p99;
    q.max = max;
    q.count = 1000;
    return q;
}

}  // namespace benchtest
