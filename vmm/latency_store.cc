// latency_store.cc - exact samples, then log-linear buckets: 1 ns wide below 1024 ns, then 1024
// per octave.
#include "latency_store.h"

#include <bit>

namespace wfisvm {

namespace {
constexpr size_t kOctaves = 64 - 10 + 1;  // every uint64_t value has a bucket
}  // namespace

LatencyStore::LatencyStore(size_t exact_capacity)
    : exact_(exact_capacity, 0), hist_(kOctaves << kSubBits, 0) {
    exact_.clear();  // keeps the capacity, already touched by the zero fill
}

size_t LatencyStore::bucket_of(uint64_t ns) {
    if (ns < (uint64_t{1} << kSubBits)) return static_cast<size_t>(ns);
    const int top = 63 - std::countl_zero(ns);  // >= kSubBits
    const int shift = top - kSubBits;
    const uint64_t sub = (ns >> shift) & ((uint64_t{1} << kSubBits) - 1);
    return (static_cast<size_t>(shift + 1) << kSubBits) + static_cast<size_t>(sub);
}

uint64_t LatencyStore::lower_edge(size_t bucket) {
    const size_t octave = bucket >> kSubBits, sub = bucket & ((size_t{1} << kSubBits) - 1);
    if (octave == 0) return sub;
    const int shift = static_cast<int>(octave) - 1;
    return ((uint64_t{1} << kSubBits) | sub) << shift;
}

void LatencyStore::add(uint64_t ns) {
    if (exact_.size() < exact_.capacity())
        exact_.push_back(ns > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(ns));
    hist_[bucket_of(ns)]++;
    count_++;
    if (ns > max_ns_) max_ns_ = ns;
}

size_t LatencyStore::bytes() const {
    return exact_.capacity() * sizeof(uint32_t) + hist_.capacity() * sizeof(uint64_t);
}

std::optional<LatencyUs> LatencyStore::distribution() const {
    if (count_ == 0) return std::nullopt;
    if (count_ == exact_.size())
        return exact_distribution(std::vector<int64_t>(exact_.begin(), exact_.end()));
    LatencyUs l;
    l.exact = false;
    l.count = count_;
    auto at_rank = [&](uint64_t rank) {
        uint64_t cum = 0;
        for (size_t b = 0; b < hist_.size(); b++) {
            cum += hist_[b];
            if (cum >= rank) return static_cast<double>(lower_edge(b)) / 1e3;
        }
        return static_cast<double>(max_ns_) / 1e3;
    };
    std::optional<double> *slots[] = {&l.p50, &l.p90, &l.p99, &l.p999};
    for (size_t i = 0; i < kQuantilesE4.size(); i++) {
        if (!quantile_shown(count_, kQuantilesE4[i])) continue;
        uint64_t rank = (count_ * kQuantilesE4[i] + 9999u) / 10000u;
        *slots[i] = at_rank(rank == 0 ? 1 : rank);
    }
    l.max = static_cast<double>(max_ns_) / 1e3;
    for (size_t i = 0; i < kOverBoundsUs.size(); i++) {
        // Bucket edges fall on whole us below 1024 ns only; above, a bucket
        // straddling the bound counts as over (an error below 1/1024).
        const uint64_t bound = uint64_t{kOverBoundsUs[i]} * 1000u;
        uint64_t over = 0;
        for (size_t b = bucket_of(bound + 1); b < hist_.size(); b++) over += hist_[b];
        l.over[i] = static_cast<double>(over) / static_cast<double>(count_);
    }
    return l;
}

}  // namespace wfisvm
