// run_delay.h - the calling thread's own scheduler signal: how long it waited runnable on a run
// queue (or how often it was preempted), read on the slow path only.
#pragma once

#include <cstdint>

namespace wfisleep::platform {

// What a RunDelaySample's value counts.
enum class RunDelaySource : uint8_t {
    none,                  // nothing available (macOS): no value
    schedstat,             // ns this thread spent runnable but not running, cumulative
    involuntary_switches,  // times this thread was preempted while runnable, cumulative
};

struct RunDelaySample {
    RunDelaySource source = RunDelaySource::none;
    uint64_t value = 0;
};

// Reads the calling thread's counter. Linux: the second field of
// /proc/thread-self/schedstat (run-queue delay in ns; the file is opened once
// per thread on first use, kept open and read with pread), or, when that
// file cannot be opened or read, getrusage(RUSAGE_THREAD).ru_nivcsw
// (involuntary context switches: they show a preemption, but not the delay
// of a wake-up, since a sleeping thread's switch out was voluntary). macOS:
// none. A system call (or two on a thread's first call): never call it in a
// busy loop's fast path, only around a block or at a clock gap. No
// allocation by this code (the C++ runtime registers the per-thread file's
// destructor once per thread). Owner thread. The waiter reads it once at
// its first wait, around each sleep that blocks, and at each busy-loop gap.
RunDelaySample read_run_delay() noexcept;

// The run-queue delay between two samples of one thread, in ns: b - a when
// both are schedstat samples (0 if the counter went back), else 0 (unknown).
inline uint64_t run_delay_between(const RunDelaySample &a, const RunDelaySample &b) noexcept {
    if (a.source != RunDelaySource::schedstat || b.source != RunDelaySource::schedstat) {
        return 0;
    }
    return b.value > a.value ? b.value - a.value : 0;
}

}  // namespace wfisleep::platform
