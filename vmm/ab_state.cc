// ab_state.cc - the A/B segment clock (coordinator thread) and the vCPU threads' side of it.
#include "ab_state.h"

#include <time.h>

#include <chrono>
#include <cstddef>

#include "thread_slack.h"
#include "vm_context.h"
#include "wfis_guest_abi.h"
#include "wfisleep/wfisleep.h"

namespace wfisvm {
namespace {

uint64_t process_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

AbState::AbState(const RunOptions &o, uint32_t vcpus, const uint8_t *ram, uint64_t ram_size)
    : specs_(o.ab_governors),
      scenario_(o.scenario),
      segment_ns_(uint64_t{o.segment_ms} * 1000000),
      settle_ns_(uint64_t{o.settle_ms} * 1000000),
      vcpus_(vcpus),
      ram_(ram),
      ram_size_(ram_size) {
    // Whole rounds only, so every governor gets as many segments (the
    // clock stops after the last round; the rest of the window is not
    // counted).
    const auto n = static_cast<uint32_t>(specs_.size());
    const uint64_t segments = n == 0 ? 0 : ab_whole_segments(o.seconds, o.segment_ms) / n * n;
    order_ = ab_segment_order(segments, n, o.seed);
    edge_segment_.assign(2 * segments, -1);
    for (size_t g = 0; g < n; g++) lateness_.push_back(std::make_unique<GovernorLateness>());
    counted_ns_.assign(n, 0);
    cpu_ns_.assign(n, 0);
    segments_.assign(n, 0);
    cuts_.resize(vcpus);
}

AbState::~AbState() {
    stop();
}

void AbState::init_vcpu(AbVcpu *v) const {
    v->busy_ns.assign(governors(), 0);
    v->halts.assign(governors(), 0);
    v->timer_injected.assign(governors(), 0);
    v->slack_ns.assign(governors(), std::nullopt);
}

void AbState::start(VmContext *vm) {
    thread_ = std::thread([this, vm] { run(vm); });
}

void AbState::stop() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool AbState::sleep_until(uint64_t ns) {
    std::unique_lock<std::mutex> lock(mu_);
    auto tp = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns));
    cv_.wait_until(lock, tp, [&] { return stopping_; });
    return !stopping_;
}

uint64_t AbState::ring_stored(uint32_t vcpu) const {
    const uint64_t at =
        WFIS_RING_GPA + uint64_t{vcpu} * WFIS_RING_STRIDE + offsetof(struct wfis_ring, stored);
    if (vcpu >= WFIS_RING_MAX_CPUS || ram_ == nullptr || at + 4 > ram_size_) return 0;
    // The guest updates the count while we read; its low half holds it
    // (stored <= capacity < 2^32), read in one piece.
    const auto *p = reinterpret_cast<const uint32_t *>(ram_ + at);
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

void AbState::run(VmContext *vm) {
    // Wait for WFIS MARK start (the guest's workload window).
    while (vm->window_phase.load(std::memory_order_acquire) < 1)
        if (!sleep_until(wfisleep_now_ns() + 1000000)) return;
    const uint64_t t0 = vm->edges[0].ns;
    std::vector<uint64_t> stored0(vcpus_);
    for (size_t k = 0; k < order_.size(); k++) {
        const uint64_t begin = t0 + k * segment_ns_, end = begin + segment_ns_;
        if (!sleep_until(begin)) return;
        segment_.store(static_cast<int64_t>(k), std::memory_order_seq_cst);
        // Every vCPU ends its wait and switches at its next trap; the waits
        // this cuts short fall in the discarded settle time.
        for (auto &c : vm->cpus) c->irq.kick();
        if (!sleep_until(begin + settle_ns_)) return;
        if (vm->window_phase.load(std::memory_order_acquire) >= 2) return;
        const uint64_t ns0 = wfisleep_now_ns(), cpu0 = process_cpu_ns();
        for (uint32_t i = 0; i < vcpus_; i++) stored0[i] = ring_stored(i);
        uint64_t e = edges_.load(std::memory_order_relaxed);
        edge_segment_[e] = static_cast<int64_t>(k);
        edges_.store(e + 1, std::memory_order_release);
        counted_.store(static_cast<int64_t>(k), std::memory_order_seq_cst);
        if (!sleep_until(end)) return;
        counted_.store(-1, std::memory_order_seq_cst);
        const uint64_t ns1 = wfisleep_now_ns(), cpu1 = process_cpu_ns();
        // A part the workload window ended inside does not count.
        if (vm->window_phase.load(std::memory_order_acquire) >= 2 && vm->edges[1].ns < ns1) return;
        const uint32_t g = order_[k];
        for (uint32_t i = 0; i < vcpus_; i++) cuts_[i].push_back({g, stored0[i], ring_stored(i)});
        counted_ns_[g] += ns1 - ns0;
        cpu_ns_[g] += cpu1 - cpu0;
        segments_[g]++;
        edge_segment_[e + 1] = static_cast<int64_t>(k);
        edges_.store(e + 2, std::memory_order_release);
    }
}

void AbState::before_trap(AbVcpu *v, AbGovernor *g) const {
    const int64_t k = segment_.load(std::memory_order_seq_cst);
    const uint32_t want = k < 0 ? order_[0] : order_[static_cast<size_t>(k)];
    if (want == g->active()) return;
    set_thread_timer_slack(governor_slack_ns(specs_[want], scenario_));
    v->slack_ns[want] = thread_timer_slack();
    g->activate(want);
}

void AbState::take_edges(AbVcpu *v, const AbGovernor &g) const {
    const uint64_t published = edges_.load(std::memory_order_acquire);
    while (v->edges_taken < published) {
        const uint64_t e = v->edges_taken++;
        const uint32_t gov = order_[static_cast<size_t>(edge_segment_[e])];
        const wfisleep_stats st = g.stats_of(gov);
        const uint64_t busy = st.poll_ns + st.spin_ns;
        if (e % 2 == 0)
            v->busy_at_start = busy;
        else
            v->busy_ns[gov] += busy - v->busy_at_start;
    }
}

int AbState::counted_governor() const {
    const int64_t k = counted_.load(std::memory_order_seq_cst);
    return k < 0 ? -1 : static_cast<int>(order_[static_cast<size_t>(k)]);
}

}  // namespace wfisvm
