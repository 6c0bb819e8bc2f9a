// wake_probe.h - a host thread that sleeps a fixed interval at a fixed rate while a run goes on
// and records how late each sleep ends: what the host (or the host below it) does to a sleeper.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

#include "probe_stats.h"

namespace wfisbench {

class WakeProbe {
  public:
    WakeProbe() = default;
    WakeProbe(const WakeProbe &) = delete;
    WakeProbe &operator=(const WakeProbe &) = delete;
    ~WakeProbe();
    void start();       // starts the thread (SCHED_FIFO 1 when allowed, timer slack 1 ns)
    ProbeStats stop();  // stops it and returns what it saw

  private:
    void loop();
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> realtime_{false};
    std::vector<int64_t> oversleep_ns_;  // the thread's own until joined
};

}  // namespace wfisbench
