// host_usage.h - host CPU time and voluntary context switches of the process and of the calling
// thread.
#pragma once

#include <cstdint>
#include <optional>

namespace wfisvm {

struct HostUsage {
    uint64_t cpu_ns = 0;  // user + system
    uint64_t voluntary_switches = 0;
};

HostUsage process_usage();  // RUSAGE_SELF
HostUsage thread_usage();   // RUSAGE_THREAD of the caller

// Time the calling thread has spent runnable but waiting for a CPU, in ns
// (the second field of /proc/thread-self/schedstat); nullopt without
// schedstats.
std::optional<uint64_t> thread_runq_wait_ns();

}  // namespace wfisvm
