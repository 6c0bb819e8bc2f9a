// workload_device.cc - pingpong and burst request generation, answer matching and latency samples.
#include "workload_device.h"

#include <sys/prctl.h>

#include <chrono>
#include <random>

#include "wfisleep/wfisleep.h"

namespace wfisvm {
namespace {
constexpr uint64_t kEndMarginNs = 20'000'000;  // no requests in the last 20 ms
}  // namespace

WorkloadDevice::WorkloadDevice(const ScenarioSpec &spec, uint32_t vcpus, uint64_t seed,
                               RaiseFn raise, size_t max_outstanding, size_t exact_latencies)
    : spec_(spec),
      vcpus_(vcpus),
      seed_(seed),
      raise_(std::move(raise)),
      active_(spec.workload == Workload::kPingpong || spec.workload == Workload::kBurst),
      slots_(vcpus),
      max_outstanding_(max_outstanding),
      latencies_(active_ ? exact_latencies : 0) {}

WorkloadDevice::~WorkloadDevice() {
    stop();
}

void WorkloadDevice::start(const std::vector<uint64_t> &ready_ns, uint64_t run_ns) {
    if (!active_ || thread_.joinable()) return;
    {
        std::lock_guard<std::mutex> lock(mu_);
        for (uint32_t i = 0; i < vcpus_ && i < ready_ns.size(); i++)
            slots_[i].stop_at_ns =
                ready_ns[i] + (run_ns > kEndMarginNs ? run_ns - kEndMarginNs : 0);
    }
    thread_ = std::thread([this] { thread_main(); });
}

void WorkloadDevice::stop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void WorkloadDevice::freeze(uint32_t vcpu) {
    std::lock_guard<std::mutex> lock(mu_);
    if (vcpu < vcpus_) slots_[vcpu].frozen = true;
}

uint32_t WorkloadDevice::newest_seq(uint32_t vcpu) {
    std::lock_guard<std::mutex> lock(mu_);
    return slots_[vcpu].newest;
}

bool WorkloadDevice::answer(uint32_t vcpu, uint32_t seq, std::string *err) {
    uint64_t now = wfisleep_now_ns();
    {
        std::lock_guard<std::mutex> lock(mu_);
        Slot &s = slots_[vcpu];
        if (seq > s.newest || seq == 0) {
            *err = "guest vCPU " + std::to_string(vcpu) + " answered device request " +
                   std::to_string(seq) + ", but the newest raised is " + std::to_string(s.newest);
            return false;
        }
        if (seq <= s.answered) return true;  // a repeated answer (coalesced interrupts)
        s.answered = seq;
        while (!s.outstanding.empty() && s.outstanding.front().seq <= seq) {
            const Slot::Request &q = s.outstanding.front();
            latencies_.add(now - q.raised_ns);
            if (q.cls >= 0 && static_cast<size_t>(q.cls) < class_latencies_.size())
                class_latencies_[static_cast<size_t>(q.cls)]->add(now - q.raised_ns);
            s.outstanding.pop_front();
        }
    }
    cv_.notify_all();
    return true;
}

std::optional<LatencyUs> WorkloadDevice::latency_distribution() {
    std::lock_guard<std::mutex> lock(mu_);
    return latencies_.distribution();
}

std::vector<uint32_t> WorkloadDevice::exact_latencies() {
    std::lock_guard<std::mutex> lock(mu_);
    return latencies_.exact_samples();
}

uint64_t WorkloadDevice::unanswered() {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t n = 0;
    for (auto &s : slots_) n += s.newest - s.answered;
    return n;
}

void WorkloadDevice::set_classes(size_t classes, ClassifyFn who) {
    std::lock_guard<std::mutex> lock(mu_);
    classify_ = std::move(who);
    class_latencies_.clear();
    for (size_t c = 0; c < classes; c++)
        class_latencies_.push_back(
            std::make_unique<LatencyStore>(latencies_.exact_samples().capacity()));
}

std::optional<LatencyUs> WorkloadDevice::class_distribution(size_t c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (c >= class_latencies_.size()) return std::nullopt;
    return class_latencies_[c]->distribution();
}

std::vector<uint32_t> WorkloadDevice::class_exact_latencies(size_t c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (c >= class_latencies_.size()) return {};
    return class_latencies_[c]->exact_samples();
}

bool WorkloadDevice::raise_to(uint32_t vcpu, uint64_t now) {
    {
        std::lock_guard<std::mutex> lock(mu_);
        Slot &s = slots_[vcpu];
        if (s.frozen || now >= s.stop_at_ns) return false;
        s.newest++;
        if (s.outstanding.size() < max_outstanding_)
            s.outstanding.push_back({s.newest, now, classify_ ? classify_() : -1});
        else
            over_cap_.fetch_add(1);
    }
    raised_.fetch_add(1);
    raise_(vcpu);
    return true;
}

bool WorkloadDevice::sleep_until(uint64_t ns) {
    std::unique_lock<std::mutex> lock(mu_);
    auto tp = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns));
    cv_.wait_until(lock, tp, [&] { return stopping_; });
    return !stopping_;
}

bool WorkloadDevice::wait_answer(uint32_t vcpu, uint32_t seq) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock,
             [&] { return stopping_ || slots_[vcpu].answered >= seq || slots_[vcpu].frozen; });
    return !stopping_;
}

void WorkloadDevice::thread_main() {
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);  // request times as exact as the host allows
    std::mt19937_64 rng(seed_);
    uint64_t next = wfisleep_now_ns();
    uint32_t target = 0;
    if (spec_.workload == Workload::kPingpong) {
        double mean_ns = 1e9 / (spec_.rate ? spec_.rate : 1);
        std::exponential_distribution<double> expo(1.0 / mean_ns);
        for (;;) {
            next += static_cast<uint64_t>(spec_.poisson ? expo(rng) : mean_ns);
            if (!sleep_until(next)) return;
            raise_to(target, wfisleep_now_ns());
            target = (target + 1) % vcpus_;
        }
    }
    // burst
    for (;;) {
        bool any = false;
        for (uint32_t k = 0; k < spec_.len; k++) {
            uint64_t now = wfisleep_now_ns();
            if (!raise_to(target, now)) break;
            any = true;
            uint32_t seq = newest_seq(target);
            if (!wait_answer(target, seq)) return;
        }
        target = (target + 1) % vcpus_;
        // think time; 1 ms when the vCPU took no request (its run is over)
        uint64_t pause = any ? uint64_t{spec_.think_us} * 1000u : 1'000'000u;
        if (!sleep_until(wfisleep_now_ns() + pause)) return;
    }
}

}  // namespace wfisvm
