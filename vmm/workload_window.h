// workload_window.h - what the host reads at the guest's WFIS MARK start / end lines.
#pragma once

#include <cstdint>
#include <optional>

namespace wfisvm {

// Read by the vCPU thread that completed the MARK line (process-wide figures).
struct WindowEdge {
    bool seen = false;
    uint64_t ns = 0;                              // wfisleep_now_ns()
    uint64_t process_cpu_ns = 0;                  // RUSAGE_SELF user + system
    std::optional<uint64_t> kernel_halt_poll_ns;  // in-kernel: sum over vCPUs
};

// Read by each vCPU thread on its first exit after the edge: its governor's
// poll + spin time (exact: the governor runs only on this thread, and a vCPU
// does not halt between the edge and its next exit) and run-queue wait.
struct VcpuEdge {
    bool taken = false;
    uint64_t governor_busy_ns = 0;
    std::optional<uint64_t> runq_wait_ns;
};

}  // namespace wfisvm
