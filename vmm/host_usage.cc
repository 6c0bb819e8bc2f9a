// host_usage.cc - getrusage wrappers for the run report.
#include "host_usage.h"

#include <sys/resource.h>

#include <cstdio>

namespace wfisvm {
namespace {
HostUsage from(int who) {
    rusage ru{};
    getrusage(who, &ru);
    HostUsage u;
    auto ns = [](const timeval &tv) {
        return static_cast<uint64_t>(tv.tv_sec) * 1000000000u +
               static_cast<uint64_t>(tv.tv_usec) * 1000u;
    };
    u.cpu_ns = ns(ru.ru_utime) + ns(ru.ru_stime);
    u.voluntary_switches = static_cast<uint64_t>(ru.ru_nvcsw);
    return u;
}
}  // namespace

HostUsage process_usage() {
    return from(RUSAGE_SELF);
}
HostUsage thread_usage() {
    return from(RUSAGE_THREAD);
}

std::optional<uint64_t> thread_runq_wait_ns() {
    std::FILE *f = std::fopen("/proc/thread-self/schedstat", "r");
    if (f == nullptr) return std::nullopt;
    unsigned long long run = 0, wait = 0;
    const int n = std::fscanf(f, "%llu %llu", &run, &wait);
    std::fclose(f);
    if (n != 2) return std::nullopt;
    return wait;
}

}  // namespace wfisvm
