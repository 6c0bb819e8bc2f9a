// vm_context.h - state shared by the vCPU threads, devices and the thread that runs the VM.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ab_state.h"
#include "governor.h"
#include "governor_lateness.h"
#include "host_usage.h"
#include "hypervisor.h"
#include "irq_state.h"
#include "pv_timer.h"
#include "run.h"
#include "serial_console.h"
#include "workload_device.h"
#include "workload_window.h"

namespace wfisvm {

struct VcpuRuntime {
    uint32_t index = 0;
    HvVcpu *hv = nullptr;
    std::unique_ptr<Governor> governor;  // userspace mode only
    AbGovernor *ab_governor = nullptr;   // A/B runs: `governor`, seen as one
    AbVcpu ab;                           // A/B runs: this vCPU's counters
    IrqState irq;
    PvTimer timer;
    // Set once the guest printed this vCPU's WFIS CPU line (with interrupts
    // disabled): nothing more is injected, so injected counts match the
    // guest's counts exactly.
    std::atomic<bool> frozen{false};
    bool injected_since_run = false;  // vCPU thread: an injection awaits run()
    // vCPU thread's counters; read after join.
    uint64_t exits = 0, halts = 0;
    uint64_t injected_timer = 0, injected_device = 0;
    std::atomic<uint64_t> msi_delivered{0};  // inkernel: device MSIs accepted
    HostUsage usage;
    double tsc_map_error_ns = -1;            // |predicted - measured| at the end, -1 = unknown
    std::optional<uint64_t> timer_slack_ns;  // the thread's, read at its end
    // Workload window: edges this thread has taken (vCPU thread only).
    int window_taken = 0;
    VcpuEdge window[2];
    std::thread thread;
};

class VmContext {
  public:
    RunOptions opts;
    uint32_t vcpus = 1;
    uint64_t tsc_khz = 0;
    SerialConsole serial;
    std::unique_ptr<WorkloadDevice> device;
    std::unique_ptr<HvIrqSender> msi;  // inkernel mode
    // Userspace mode: the governors' return lateness inside the workload
    // window (every vCPU thread records; read after join).
    std::unique_ptr<GovernorLateness> governor_lateness;
    // A/B runs (several governors alternating): the segment clock.
    std::unique_ptr<AbState> ab;
    std::vector<std::unique_ptr<VcpuRuntime>> cpus;
    std::atomic<bool> stop{false};
    // Workload window: 0 before WFIS MARK start, 1 inside, 2 after the end.
    // Release-stored after edges[phase - 1] is written.
    std::atomic<int> window_phase{0};
    WindowEdge edges[2];

    // The guest printed WFIS MARK start (phase 1) or end (phase 2): read the
    // process-wide figures now. The vCPU thread that wrote the line.
    void mark_window(int phase);
    // Takes this vCPU's edges up to the current phase. Its own thread.
    void take_window_edges(VcpuRuntime *cpu);

    // Ends the run with an error (the first one wins). Any thread.
    void fail(const std::string &msg);
    // The guest wrote WFIS_EXIT_OK: end the run. Any thread.
    void guest_exited_ok();
    // Wakes every vCPU so its thread sees `stop`. Any thread.
    void stop_all();
    // A vCPU finished setup (WFIS_PORT_READY); the last one starts devices.
    void vcpu_ready(uint32_t cpu);
    // A vCPU halted with interrupts disabled: block until the run stops;
    // fails the run when every vCPU is parked (the guest can never wake).
    void park();
    // A vCPU thread returned.
    void thread_done();
    // Waits until every vCPU thread returned or until deadline_ns; false on
    // timeout.
    bool wait_threads(uint64_t deadline_ns);

    bool failed() const;
    std::string error() const;
    bool exited_ok() const;

  private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::string error_;
    bool failed_ = false;
    bool exited_ok_ = false;
    uint32_t parked_ = 0;
    uint32_t ready_ = 0;
    uint32_t done_ = 0;
    std::vector<uint64_t> ready_ns_;
};

// The vCPU thread's body: runs the guest until the run stops.
void vcpu_thread_main(VmContext *vm, VcpuRuntime *cpu);

// Handles one port access of `cpu`; false = the guest broke a rule (*err).
bool handle_port_io(VmContext *vm, VcpuRuntime *cpu, const VcpuExit &exit, std::string *err);

}  // namespace wfisvm
