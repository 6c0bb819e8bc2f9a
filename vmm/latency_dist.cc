// latency_dist.cc - exact and histogram percentiles, tail fractions.
#include "latency_dist.h"

#include <algorithm>

namespace wfisvm {

bool quantile_shown(uint64_t n, uint32_t q_e4) {
    return n >= (q_e4 > 9900u ? 1000u : 100u);
}

namespace {

// 1-based nearest rank of quantile q_e4 among n samples.
uint64_t rank_of(uint64_t n, uint32_t q_e4) {
    uint64_t r = (n * q_e4 + 9999u) / 10000u;
    return r == 0 ? 1 : r;
}

void set_quantile(LatencyUs *l, size_t i, double v) {
    std::optional<double> *slots[] = {&l->p50, &l->p90, &l->p99, &l->p999};
    *slots[i] = v;
}

}  // namespace

std::optional<LatencyUs> exact_distribution(std::vector<int64_t> s, uint64_t missed,
                                            uint64_t dropped) {
    if (s.empty()) return std::nullopt;
    std::sort(s.begin(), s.end());
    LatencyUs l;
    l.count = s.size();
    l.missed = missed;
    l.dropped = dropped;
    for (size_t i = 0; i < kQuantilesE4.size(); i++)
        if (quantile_shown(l.count, kQuantilesE4[i]))
            set_quantile(&l, i,
                         static_cast<double>(s[rank_of(l.count, kQuantilesE4[i]) - 1]) / 1e3);
    l.max = static_cast<double>(s.back()) / 1e3;
    l.early = static_cast<uint64_t>(std::lower_bound(s.begin(), s.end(), 0) - s.begin());
    for (size_t i = 0; i < kOverBoundsUs.size(); i++) {
        const int64_t bound_ns = int64_t{kOverBoundsUs[i]} * 1000;
        auto first_over = std::upper_bound(s.begin(), s.end(), bound_ns);
        l.over[i] = static_cast<double>(s.end() - first_over) / static_cast<double>(l.count);
    }
    return l;
}

std::optional<LatencyUs> histogram_distribution(const LatencyHistogram &hist, uint64_t missed) {
    uint64_t total = missed;
    for (uint64_t c : hist) {
        if (total > UINT64_MAX / 20000u - c) return std::nullopt;  // absurd counts
        total += c;
    }
    if (total == 0) return std::nullopt;
    LatencyUs l;
    l.exact = false;
    l.count = total;
    l.missed = missed;
    const double top = static_cast<double>(wfis_hist_lower_us(WFIS_HIST_BUCKETS - 1));
    auto value_at_rank = [&](uint64_t rank) {
        uint64_t cum = 0;
        for (uint32_t b = 0; b < WFIS_HIST_BUCKETS; b++) {
            cum += hist[b];
            if (cum >= rank) return static_cast<double>(wfis_hist_lower_us(b));
        }
        return top;  // a missed tick: above every bucket
    };
    for (size_t i = 0; i < kQuantilesE4.size(); i++)
        if (quantile_shown(total, kQuantilesE4[i]))
            set_quantile(&l, i, value_at_rank(rank_of(total, kQuantilesE4[i])));
    l.max = value_at_rank(total);
    for (size_t i = 0; i < kOverBoundsUs.size(); i++) {
        uint64_t over = missed;
        for (uint32_t b = 0; b < WFIS_HIST_BUCKETS; b++)
            if (wfis_hist_lower_us(b) >= kOverBoundsUs[i]) over += hist[b];
        l.over[i] = static_cast<double>(over) / static_cast<double>(total);
    }
    return l;
}

}  // namespace wfisvm
