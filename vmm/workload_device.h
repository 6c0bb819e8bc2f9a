// workload_device.h - the pingpong/burst request device: a host thread raising WFIS_VEC_DEVICE and
// timing the guest's answers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "latency_store.h"
#include "spec.h"

namespace wfisvm {

// pingpong: requests at `rate` per second over all vCPUs (round robin),
// fixed or Poisson spacing, regardless of answers. burst: chains of `len`
// requests to one vCPU (round robin per chain), each raised when the guest
// answered the previous one (WFIS_PORT_DEV_DONE), `think_us` between chains.
// Latency of a request = host time from raise to the guest's answer (ACK,
// or DONE in burst); an answer for seq N answers every older request too.
class WorkloadDevice {
  public:
    // raise(vcpu): deliver WFIS_VEC_DEVICE to the vCPU (any thread).
    using RaiseFn = std::function<bool(uint32_t vcpu)>;

    // max_outstanding: unanswered requests timed per vCPU; a request raised
    // beyond it is still raised but not timed, and counted (over_cap()).
    WorkloadDevice(const ScenarioSpec &spec, uint32_t vcpus, uint64_t seed, RaiseFn raise,
                   size_t max_outstanding = kMaxOutstanding,
                   size_t exact_latencies = LatencyStore::kDefaultExact);
    static constexpr size_t kMaxOutstanding = size_t{1} << 16;
    ~WorkloadDevice();

    // No-op for scenarios without requests. Starts the thread; requests to a
    // vCPU stop at its own ready time + run_ns - margin (so no request is in
    // flight when the guest takes its counts).
    void start(const std::vector<uint64_t> &ready_ns, uint64_t run_ns);
    void stop();
    // Stop raising to one vCPU (its report is out).
    void freeze(uint32_t vcpu);

    // Port handlers, any vCPU thread. ack/done return false with *err for
    // an answer to a request that was never raised.
    uint32_t newest_seq(uint32_t vcpu);
    bool answer(uint32_t vcpu, uint32_t seq, std::string *err);

    // After stop(): the latency distribution (fixed memory, latency_store.h)
    // and the raised requests.
    std::optional<LatencyUs> latency_distribution();
    std::vector<uint32_t> exact_latencies();  // the store's exact samples, ns
    uint64_t raised() const { return raised_.load(); }
    // Requests raised while their vCPU already had max_outstanding untimed.
    uint64_t over_cap() const { return over_cap_.load(); }
    // Requests never answered (an answer covers all older ones).
    uint64_t unanswered();
    bool active() const { return active_; }

    // A/B runs, before start(): each latency also goes to the class `who`
    // returned when its request was raised (the governor whose counted part
    // ran then), none when it returned -1.
    using ClassifyFn = std::function<int()>;
    void set_classes(size_t classes, ClassifyFn who);
    // After stop(): class c's distribution and exact samples (ns).
    std::optional<LatencyUs> class_distribution(size_t c);
    std::vector<uint32_t> class_exact_latencies(size_t c);

  private:
    struct Slot {
        uint32_t newest = 0;
        uint32_t answered = 0;
        struct Request {
            uint32_t seq;
            uint64_t raised_ns;
            int cls;  // set_classes' class, -1 = none
        };
        std::deque<Request> outstanding;
        uint64_t stop_at_ns = UINT64_MAX;
        bool frozen = false;
    };
    void thread_main();
    bool raise_to(uint32_t vcpu, uint64_t now);
    bool sleep_until(uint64_t ns);  // false when stopping
    bool wait_answer(uint32_t vcpu, uint32_t seq);

    ScenarioSpec spec_;
    uint32_t vcpus_;
    uint64_t seed_;
    RaiseFn raise_;
    bool active_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::vector<Slot> slots_;
    size_t max_outstanding_;
    LatencyStore latencies_;  // under mu_
    ClassifyFn classify_;
    std::vector<std::unique_ptr<LatencyStore>> class_latencies_;  // under mu_
    std::atomic<uint64_t> raised_{0};
    std::atomic<uint64_t> over_cap_{0};
    std::thread thread_;
};

}  // namespace wfisvm
