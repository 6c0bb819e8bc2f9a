// run_delay_linux.cc - the thread's run-queue delay from /proc/thread-self/schedstat, or its
// involuntary context switches from getrusage(RUSAGE_THREAD) when that file is unavailable.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "platform/run_delay.h"

namespace wfisleep::platform {
namespace {

// The calling thread's schedstat file, opened at its first read and closed
// when the thread exits. /proc/thread-self resolves to the opening thread,
// so the descriptor is per thread.
struct SchedstatFile {
    static constexpr int kUntried = -2;
    int fd = kUntried;  // -1: could not be opened (no procfs, old kernel, no CONFIG_SCHED_INFO)
    SchedstatFile() = default;
    SchedstatFile(const SchedstatFile &) = delete;
    SchedstatFile &operator=(const SchedstatFile &) = delete;
    ~SchedstatFile() {
        if (fd >= 0) {
            (void)close(fd);
        }
    }
};

thread_local SchedstatFile t_schedstat;

// "<cpu time ns> <run delay ns> <timeslices>\n": the second number.
bool parse_second_field(const char *s, const char *end, uint64_t &out) noexcept {
    while (s < end && *s >= '0' && *s <= '9') {
        ++s;  // the first field
    }
    if (s == end || *s != ' ') {
        return false;
    }
    ++s;
    uint64_t v = 0;
    const char *digits = s;
    while (s < end && *s >= '0' && *s <= '9') {
        v = v * 10 + static_cast<uint64_t>(*s - '0');
        ++s;
    }
    if (s == digits) {
        return false;
    }
    out = v;
    return true;
}

}  // namespace

RunDelaySample read_run_delay() noexcept {
    SchedstatFile &f = t_schedstat;
    if (f.fd == SchedstatFile::kUntried) {
        f.fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    }
    if (f.fd >= 0) {
        char buf[96];
        const ssize_t n = pread(f.fd, buf, sizeof buf, 0);
        uint64_t v = 0;
        if (n > 0 && parse_second_field(buf, buf + n, v)) {
            return {RunDelaySource::schedstat, v};
        }
    }
    rusage ru{};
    if (getrusage(RUSAGE_THREAD, &ru) == 0) {
        return {RunDelaySource::involuntary_switches, static_cast<uint64_t>(ru.ru_nivcsw)};
    }
    return {};
}

}  // namespace wfisleep::platform
