// ab_schedule.cc - segment order, whole segments per run, A/B option checks, ring slicing.
#include "ab_schedule.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "run.h"
#include "splitmix64.h"

namespace wfisvm {
namespace {

// Round r's permutation (Fisher-Yates from a PRNG seeded by seed and r).
std::vector<uint32_t> round_permutation(uint64_t round, uint32_t governors, uint64_t seed) {
    std::vector<uint32_t> p(governors);
    for (uint32_t i = 0; i < governors; i++) p[i] = i;
    uint64_t state = seed ^ (round * 0xd1b54a32d192ed03ULL);
    for (uint32_t i = governors; i > 1; i--) {
        uint32_t j = static_cast<uint32_t>(splitmix64_next(&state) % i);
        std::swap(p[i - 1], p[j]);
    }
    return p;
}

}  // namespace

uint32_t ab_segment_governor(uint64_t k, uint32_t governors, uint64_t seed) {
    if (governors == 0) return 0;
    return round_permutation(k / governors, governors, seed)[k % governors];
}

std::vector<uint32_t> ab_segment_order(uint64_t segments, uint32_t governors, uint64_t seed) {
    std::vector<uint32_t> order;
    order.reserve(segments);
    for (uint64_t round = 0; governors > 0 && order.size() < segments; round++)
        for (uint32_t g : round_permutation(round, governors, seed)) {
            if (order.size() == segments) break;
            order.push_back(g);
        }
    return order;
}

uint64_t ab_whole_segments(double seconds, uint32_t segment_ms) {
    if (segment_ms == 0 || !(seconds > 0)) return 0;
    return static_cast<uint64_t>(std::floor(seconds * 1000.0 / segment_ms));
}

std::string ab_options_error(const RunOptions &o) {
    const size_t n = o.ab_governors.size();
    if (o.mode != Mode::kUserspace)
        return std::string("several --governor (A/B in one VM) need --mode userspace, not ") +
               mode_name(o.mode);
    if (n < 2) return "A/B in one VM needs at least 2 governors (--governor given several times)";
    std::set<std::string> seen;
    for (const auto &g : o.ab_governors)
        if (!seen.insert(g.text).second)
            return "--governor '" + g.text + "' given twice (A/B governors must differ)";
    if (o.scenario.workload == Workload::kCompute)
        return "scenario '" + o.scenario.text +
               "': compute cannot run A/B in one VM (its work rate comes only from the "
               "guest's final report and cannot be split per governor); give one --governor";
    if (o.segment_ms < 10 || o.segment_ms > 60000)
        return "--segment-ms " + std::to_string(o.segment_ms) + " (accepted: 10..60000)";
    if (o.settle_ms >= o.segment_ms)
        return "--settle-ms " + std::to_string(o.settle_ms) + " (accepted: below --segment-ms, " +
               std::to_string(o.segment_ms) + ")";
    const uint64_t whole = ab_whole_segments(o.seconds, o.segment_ms);
    if (whole < n)
        return "--segment-ms " + std::to_string(o.segment_ms) + " with --seconds " +
               std::to_string(o.seconds) + " gives " + std::to_string(whole) +
               " whole segment(s) for " + std::to_string(n) +
               " governors (accepted: at least one segment per governor; lower --segment-ms "
               "or raise --seconds)";
    return "";
}

void split_ring_samples(const std::vector<int64_t> &samples, const std::vector<RingCut> &cuts,
                        std::vector<std::vector<int64_t>> *out) {
    const uint64_t have = samples.size();
    for (const RingCut &c : cuts) {
        if (c.governor >= out->size() || c.end < c.begin) continue;
        const uint64_t b = std::min(c.begin, have), e = std::min(c.end, have);
        auto &dst = (*out)[c.governor];
        dst.insert(dst.end(), samples.begin() + static_cast<std::ptrdiff_t>(b),
                   samples.begin() + static_cast<std::ptrdiff_t>(e));
    }
}

}  // namespace wfisvm
