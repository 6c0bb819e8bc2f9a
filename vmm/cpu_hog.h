// cpu_hog.h - a host process that competes for vCPU 0's CPU (scenario key hog=), so runs see
// run-queue delay the same way under every governor.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <cstdint>
#include <string>

namespace wfisvm {

struct ScenarioSpec;

// The hog is a forked child, not a thread: its CPU time then stays out of
// the VMM's RUSAGE_SELF, so host CPU % and workload CPU % do not count it.
// It is pinned to one CPU, and the VMM pins vCPU 0's thread to the same one.
// Each period it is busy for a length drawn from its seed, uniform within
// permille/1000 x period +- the smaller of that and the rest of the period
// (mean permille/1000 of the period; always busy at 1000), then sleeps to
// the next period's start.
class CpuHog {
  public:
    CpuHog() = default;
    ~CpuHog() { stop(); }
    CpuHog(const CpuHog &) = delete;
    CpuHog &operator=(const CpuHog &) = delete;

    // Forks the hog, pinned to `cpu`, idle until go(). On failure returns
    // false and sets *err to one line.
    bool start(int cpu, uint32_t permille, uint32_t period_us, uint64_t seed, std::string *err);
    // The scenario's hog (none when hog=0) on hog_cpu(), its draws from the run's seed.
    bool start_for(const ScenarioSpec &scenario, uint64_t run_seed, std::string *err);
    // Pins vCPU 0's thread to the hog's CPU and lets the hog begin competing.
    bool go(pthread_t vcpu0, std::string *err);
    // Kills and reaps it; harmless when it never started.
    void stop();
    bool running() const { return pid_ > 0; }

  private:
    pid_t pid_ = -1;
    int cpu_ = -1;
    int go_fd_ = -1;  // the pipe's write end; the child starts on its first byte
};

// The busy length (ns) of one period, from a uniform draw u in [0, 1).
uint64_t hog_busy_ns(uint32_t permille, uint64_t period_ns, double u);

// The CPU the hog and vCPU 0 share: the lowest CPU the process may run on,
// so it is the same for every governor; -1 when the mask cannot be read.
int hog_cpu();

// Pins thread t to `cpu`; false when the kernel refused.
bool pin_thread(pthread_t t, int cpu);

}  // namespace wfisvm
