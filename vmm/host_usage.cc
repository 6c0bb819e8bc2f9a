// host_usage.cc - getrusage wrappers for the run report.
#include "host_usage.h"

#include <sys/resource.h>

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

}  // namespace wfisvm
