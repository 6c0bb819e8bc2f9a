// model_governor.h - base of our peer models: executes their plans on the library's kickable wait.
#pragma once

#include <cstdint>
#include <memory>

#include "governor.h"
#include "wfisleep/wfisleep.h"

namespace wfisvm {

class CoalescingTimer;  // governors/coalescing_timer.h

// A model decides a wfisleep_plan per idle trap; this base runs it through
// wfisleep_vcpu_wait on a vCPU made from an "off" config, so every governor
// (library policy or model) shares one tested wait/kick primitive, and keeps
// the plan counters the library's wait does not (idle_calls, sleeps,
// work_returns). Thread-safety as Governor.
class ModelGovernor : public Governor {
  public:
    explicit ModelGovernor(uint64_t now_ns);
    ~ModelGovernor() override;
    ModelGovernor(const ModelGovernor &) = delete;
    ModelGovernor &operator=(const ModelGovernor &) = delete;

    void kick() override;
    wfisleep_stats stats() const override;
    void use_host_timer(const HostTimerSpec &spec, uint64_t seed) override;

  protected:
    // How one wait ended.
    struct WaitResult {
        uint64_t spent_ns;  // from the call to the end of the wait, library clock
        bool kicked;
    };
    // Counts the plan and executes it on the library's wait (an all-zero
    // plan returns at once and, as in the library's own idle, leaves a
    // pending kick for the next wait). Owner thread.
    WaitResult run(const wfisleep_plan &plan, bool has_work);
    // The same for a plan in the 0.2 shape; fills *o (wake times, the
    // PREEMPTED flag). count: false for the later pieces of one halt that
    // a model runs as several waits (counted once).
    WaitResult run2(const wfisleep_plan2 &plan, bool has_work, wfisleep_outcome *o,
                    bool count = true);

    // Counts one halt (idle_calls, work_returns) for a model that runs it as
    // several waits, each then passed to run2 with count = false.
    void count_halt(bool has_work);

    // For models whose counterpart keeps no stale kick: their trap_begin()
    // drops a pending one (counted as the library's stale_kicks).
    void drop_stale_kick();

    // Lets a model add its own counters (e.g. the poll window). Owner thread.
    virtual void fill_stats(wfisleep_stats *) const {}

  private:
    wfisleep_config *config_ = nullptr;
    wfisleep_vcpu *vcpu_ = nullptr;
    std::unique_ptr<CoalescingTimer> host_timer_;  // host=macos only
    uint64_t idle_calls_ = 0;
    uint64_t sleeps_ = 0;
    uint64_t work_returns_ = 0;
};

}  // namespace wfisvm
