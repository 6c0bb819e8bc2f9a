// ab_state.h - the shared state of an A/B run: the segment clock the coordinator thread drives,
// what each counted part measured, and the per-governor stores the vCPU threads fill.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "ab_governor.h"
#include "ab_schedule.h"
#include "governor_lateness.h"
#include "run.h"

namespace wfisvm {

class VmContext;

// One vCPU thread's A/B counters (that thread only; read after join).
struct AbVcpu {
    uint64_t edges_taken = 0;
    uint64_t busy_at_start = 0;            // the counted governor's poll + spin at its start
    std::vector<uint64_t> busy_ns;         // per governor, over its counted parts
    std::vector<uint64_t> halts;           // HLT exits inside counted parts
    std::vector<uint64_t> timer_injected;  // timer interrupts injected inside them
    std::vector<std::optional<uint64_t>> slack_ns;  // the thread's slack read after each switch
};

class AbState {
  public:
    // ram: guest RAM, where the coordinator reads the sample rings' counts.
    AbState(const RunOptions &o, uint32_t vcpus, const uint8_t *ram, uint64_t ram_size);
    ~AbState();

    size_t governors() const { return specs_.size(); }
    const GovernorSpec &spec(size_t g) const { return specs_[g]; }
    // The governor active before the workload window (segment 0's).
    uint32_t first_governor() const { return order_[0]; }
    void init_vcpu(AbVcpu *v) const;

    // Coordinator thread: waits for the workload window, then runs the
    // segment clock until the order ends, the window ends or stop().
    void start(VmContext *vm);
    void stop();

    // vCPU thread, at a HLT exit before trap_begin: switch to the current
    // segment's governor, setting the thread's timer slack first.
    void before_trap(AbVcpu *v, AbGovernor *g) const;
    // vCPU thread, at every exit: snapshot the counted governor's poll + spin
    // at each counted-part edge published since the last call.
    void take_edges(AbVcpu *v, const AbGovernor &g) const;
    // The governor whose counted part is running now, or -1.
    int counted_governor() const;
    // Lateness store of governor g (any vCPU thread records).
    GovernorLateness &lateness(size_t g) const { return *lateness_[g]; }

    // After stop(): what the coordinator measured per governor.
    uint64_t counted_ns(size_t g) const { return counted_ns_[g]; }
    uint64_t cpu_ns(size_t g) const { return cpu_ns_[g]; }
    uint64_t segments(size_t g) const { return segments_[g]; }
    // Per vCPU: the counted parts' slices of its sample ring.
    const std::vector<RingCut> &cuts(uint32_t vcpu) const { return cuts_[vcpu]; }

  private:
    void run(VmContext *vm);
    bool sleep_until(uint64_t ns);  // false when stopping
    uint64_t ring_stored(uint32_t vcpu) const;

    std::vector<GovernorSpec> specs_;
    ScenarioSpec scenario_;        // for each governor's timer slack
    std::vector<uint32_t> order_;  // governor of each segment
    uint64_t segment_ns_, settle_ns_;
    uint32_t vcpus_;
    const uint8_t *ram_;
    uint64_t ram_size_;
    std::atomic<int64_t> segment_{-1};  // current segment, -1 before the window
    std::atomic<int64_t> counted_{-1};  // segment whose counted part runs, else -1
    // Counted-part edges: edge e belongs to segment edge_segment_[e], even
    // e starts its counted part, odd ends it. Written before edges_ is
    // release-incremented; sized for every segment up front.
    std::vector<int64_t> edge_segment_;
    std::atomic<uint64_t> edges_{0};
    std::vector<std::unique_ptr<GovernorLateness>> lateness_;
    std::vector<uint64_t> counted_ns_, cpu_ns_, segments_;  // coordinator
    std::vector<std::vector<RingCut>> cuts_;                // coordinator, per vCPU
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;  // under mu_
    std::thread thread_;
};

}  // namespace wfisvm
