// ab_governor.cc - forwards each call to the active governor of an A/B vCPU.
#include "ab_governor.h"

namespace wfisvm {

AbGovernor::AbGovernor(std::vector<std::unique_ptr<Governor>> governors)
    : governors_(std::move(governors)) {}

void AbGovernor::idle(bool has_work, uint64_t deadline_ns) {
    governors_[active_.load(std::memory_order_relaxed)]->idle(has_work, deadline_ns);
}

void AbGovernor::kick() {
    const size_t i = active_.load(std::memory_order_seq_cst);
    governors_[i]->kick();
    const size_t j = active_.load(std::memory_order_seq_cst);
    if (j != i) governors_[j]->kick();
}

void AbGovernor::trap_begin() {
    governors_[active_.load(std::memory_order_relaxed)]->trap_begin();
}

wfisleep_stats AbGovernor::stats() const {
    return governors_[active_.load(std::memory_order_relaxed)]->stats();
}

void AbGovernor::use_host_timer(const HostTimerSpec &spec, uint64_t seed) {
    for (auto &g : governors_) g->use_host_timer(spec, seed);
}

void AbGovernor::activate(size_t i) {
    if (i < governors_.size()) active_.store(i, std::memory_order_seq_cst);
}

}  // namespace wfisvm
