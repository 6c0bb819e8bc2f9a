// ab_schedule.h - the plan of an A/B run (several governors alternating inside one VM): which
// governor each segment runs, which part of a segment counts, and the option checks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wfisvm {

struct RunOptions;  // run.h

// Defaults of --segment-ms and --settle-ms.
constexpr uint32_t kDefaultSegmentMs = 250;
constexpr uint32_t kDefaultSettleMs = 50;

// The governor (index into the A/B list) that segment k runs. Segments come
// in rounds of `governors`; each round is a permutation drawn from seed and
// the round's number, so the order is deterministic and every governor gets
// one segment per round.
uint32_t ab_segment_governor(uint64_t k, uint32_t governors, uint64_t seed);

// The first `segments` entries of that order.
std::vector<uint32_t> ab_segment_order(uint64_t segments, uint32_t governors, uint64_t seed);

// Whole segments that fit a workload window of `seconds` (the guest's run).
uint64_t ab_whole_segments(double seconds, uint32_t segment_ms);

// Checks the A/B part of options (o.ab_governors non-empty): "" when fine,
// else one line naming the bad value and what is accepted.
std::string ab_options_error(const RunOptions &o);

// One counted part of one vCPU's guest sample ring: the ring's `stored`
// count read when the part began and when it ended, and whose it was.
struct RingCut {
    uint32_t governor = 0;
    uint64_t begin = 0, end = 0;
};

// Splits one vCPU's ring samples among the governors: samples
// [begin, end) of each cut go to cut.governor. The counts come from guest
// RAM (untrusted): a cut is clamped to the samples present and ignored when
// end < begin. Appends to (*out)[governor]; out has one entry per governor.
void split_ring_samples(const std::vector<int64_t> &samples, const std::vector<RingCut> &cuts,
                        std::vector<std::vector<int64_t>> *out);

}  // namespace wfisvm
