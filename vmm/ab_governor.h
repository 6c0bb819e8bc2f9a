// ab_governor.h - one vCPU's governors of an A/B run behind the Governor interface: each keeps
// its own state, one is active at a time, the vCPU thread switches between waits.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "governor.h"

namespace wfisvm {

class AbGovernor : public Governor {
  public:
    explicit AbGovernor(std::vector<std::unique_ptr<Governor>> governors);

    void idle(bool has_work, uint64_t deadline_ns) override;
    // To the active governor. A kick that read the old index while the vCPU
    // switched also reaches the new one: the interrupt behind it is pending
    // before either read, so the vCPU's has_work (sampled after the switch)
    // sees it, and a bare kick (stop) still ends the new governor's wait.
    void kick() override;
    void trap_begin() override;
    wfisleep_stats stats() const override;  // the active governor's
    void use_host_timer(const HostTimerSpec &spec, uint64_t seed) override;

    // vCPU thread, between waits (before trap_begin): make governor i active.
    void activate(size_t i);
    size_t active() const { return active_.load(std::memory_order_relaxed); }
    size_t size() const { return governors_.size(); }
    // vCPU thread (or after it stopped): governor i's own counters.
    wfisleep_stats stats_of(size_t i) const { return governors_[i]->stats(); }

  private:
    std::vector<std::unique_ptr<Governor>> governors_;
    std::atomic<size_t> active_{0};
};

}  // namespace wfisvm
