// cpu_hog.cc - the hog process: pinned, busy a seeded share of each period, killed at the end.
#include "cpu_hog.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "spec.h"
#include "splitmix64.h"

namespace wfisvm {
namespace {

uint64_t mono_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// The child's whole life. Only system calls and arithmetic: it was forked
// from a process that may have threads, so nothing that allocates or locks.
[[noreturn]] void hog_main(int cpu, uint32_t permille, uint32_t period_us, uint64_t seed, int go_fd,
                           pid_t parent) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);  // the VMM died before the line above
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) _exit(3);
    // Real-time priority where permitted: a vCPU thread waking inside a busy
    // part then waits for its end, as behind an interrupt thread. As a normal
    // task the scheduler's wake-up preemption decides, and the delay varies
    // from run to run. Without the privilege it stays a normal task.
    sched_param rt{};
    rt.sched_priority = 1;
    (void)sched_setscheduler(0, SCHED_FIFO, &rt);
    char c = 0;
    if (read(go_fd, &c, 1) != 1) _exit(0);  // EOF: the run ended before it began
    const uint64_t period_ns = uint64_t{period_us} * 1000;
    uint64_t x = seed, next = mono_ns();
    for (;;) {
        const double u = static_cast<double>(splitmix64_next(&x) >> 11) * 0x1.0p-53;
        const uint64_t busy = hog_busy_ns(permille, period_ns, u);
        const uint64_t t0 = mono_ns();
        while (mono_ns() - t0 < busy) {
        }
        next += period_ns;
        const uint64_t now = mono_ns();
        if (next + period_ns < now) next = now;  // fell behind (descheduled): no burst of catch-up
        if (busy >= period_ns) continue;
        timespec ts{static_cast<time_t>(next / 1000000000ULL),
                    static_cast<long>(next % 1000000000ULL)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
        }
    }
}

}  // namespace

uint64_t hog_busy_ns(uint32_t permille, uint64_t period_ns, double u) {
    const double d = std::min(permille, 1000u) / 1000.0;
    const double spread = std::min(d, 1.0 - d);
    const double share = std::clamp(d + (2.0 * u - 1.0) * spread, 0.0, 1.0);
    return static_cast<uint64_t>(share * static_cast<double>(period_ns));
}

bool CpuHog::start(int cpu, uint32_t permille, uint32_t period_us, uint64_t seed,
                   std::string *err) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        *err = std::string("hog: cannot create its pipe: ") + std::strerror(errno);
        return false;
    }
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        *err = std::string("hog: cannot fork it: ") + std::strerror(errno);
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        close(fds[1]);
        hog_main(cpu, permille, period_us, seed, fds[0], parent);
    }
    close(fds[0]);
    pid_ = pid;
    cpu_ = cpu;
    go_fd_ = fds[1];
    return true;
}

bool CpuHog::start_for(const ScenarioSpec &scenario, uint64_t run_seed, std::string *err) {
    if (scenario.hog_permille == 0) return true;
    const int cpu = hog_cpu();
    if (cpu < 0) {
        *err = "hog: cannot read the CPUs this process may run on";
        return false;
    }
    // A stream of its own, so the hog's draws do not repeat the workload's.
    return start(cpu, scenario.hog_permille, scenario.hog_period_us,
                 run_seed * 0x9e3779b97f4a7c15ULL + 0x686f67, err);
}

bool CpuHog::go(pthread_t vcpu0, std::string *err) {
    if (go_fd_ < 0) return true;
    if (!pin_thread(vcpu0, cpu_)) {
        *err = "hog: cannot pin vCPU 0's thread to CPU " + std::to_string(cpu_);
        return false;
    }
    const char c = 1;
    if (write(go_fd_, &c, 1) != 1) {
        *err = std::string("hog: cannot start it: ") + std::strerror(errno);
        return false;
    }
    return true;
}

void CpuHog::stop() {
    if (go_fd_ >= 0) close(go_fd_);
    go_fd_ = -1;
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
}

int hog_cpu() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set)) return c;
    return -1;
}

bool pin_thread(pthread_t t, int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(t, sizeof set, &set) == 0;
}

}  // namespace wfisvm
