// vm_context.cc - run-wide coordination: first error, stop, readiness, parked vCPUs, thread
// completion.
#include "vm_context.h"

#include <chrono>

#include "wfisleep/wfisleep.h"

namespace wfisvm {

void VmContext::fail(const std::string &msg) {
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (!failed_) {
            failed_ = true;
            error_ = msg;
        }
    }
    stop_all();
}

void VmContext::guest_exited_ok() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        exited_ok_ = true;
    }
    stop_all();
}

void VmContext::stop_all() {
    stop.store(true, std::memory_order_seq_cst);
    for (auto &c : cpus) c->irq.kick();
    { std::lock_guard<std::mutex> lock(mu_); }  // a waiter between its check and its wait
    cv_.notify_all();
}

void VmContext::vcpu_ready(uint32_t cpu) {
    std::vector<uint64_t> ready;
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (ready_ns_.empty()) ready_ns_.assign(vcpus, 0);
        if (cpu >= vcpus || ready_ns_[cpu] != 0) return;  // repeated: ignored
        ready_ns_[cpu] = wfisleep_now_ns();
        if (++ready_ != vcpus) return;
        ready = ready_ns_;
    }
    uint64_t run_ns = static_cast<uint64_t>(opts.seconds * 1e9);
    if (device) device->start(ready, run_ns);
}

void VmContext::mark_window(int phase) {
    if (phase < 1 || phase > 2 || window_phase.load() >= phase) return;
    WindowEdge &e = edges[phase - 1];
    e.ns = wfisleep_now_ns();
    e.process_cpu_ns = process_usage().cpu_ns;
    uint64_t poll = 0;
    bool have = !cpus.empty();
    for (auto &c : cpus) {
        auto v = c->hv->kernel_halt_poll_ns();
        if (!v) have = false;
        poll += v.value_or(0);
    }
    if (have) e.kernel_halt_poll_ns = poll;
    e.seen = true;
    window_phase.store(phase, std::memory_order_release);
}

void VmContext::take_window_edges(VcpuRuntime *cpu) {
    const int phase = window_phase.load(std::memory_order_acquire);
    while (cpu->window_taken < phase) {
        VcpuEdge &e = cpu->window[cpu->window_taken++];
        if (cpu->governor) {
            wfisleep_stats st = cpu->governor->stats();
            e.governor_busy_ns = st.poll_ns + st.spin_ns;
        }
        e.runq_wait_ns = thread_runq_wait_ns();
        e.taken = true;
    }
}

void VmContext::park() {
    std::unique_lock<std::mutex> lock(mu_);
    if (++parked_ == vcpus && !stop.load()) {
        lock.unlock();
        fail("guest hung: every vCPU halted with interrupts disabled");
        lock.lock();
    }
    cv_.wait(lock, [&] { return stop.load(); });
    parked_--;
}

void VmContext::thread_done() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        done_++;
    }
    cv_.notify_all();
}

bool VmContext::wait_threads(uint64_t deadline_ns) {
    std::unique_lock<std::mutex> lock(mu_);
    auto tp = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline_ns));
    return cv_.wait_until(lock, tp, [&] { return done_ == cpus.size(); });
}

bool VmContext::failed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
}

std::string VmContext::error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
}

bool VmContext::exited_ok() const {
    std::lock_guard<std::mutex> lock(mu_);
    return exited_ok_;
}

}  // namespace wfisvm
