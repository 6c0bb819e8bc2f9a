// parker_futex_linux.cc - the parker on Linux: a private futex on the waiter's word.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ctime>

#include "platform/parker.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {

// The leeway is per thread on Linux (prctl timer slack), not per timer.
Parker::Parker(uint64_t leeway_ns) noexcept : leeway_ns_(leeway_ns) {}

Parker::~Parker() = default;

bool Parker::ok() const noexcept {
    return true;
}

void Parker::park(std::atomic<uint32_t> *word, uint32_t expected, uint64_t deadline_ns) noexcept {
    // std::atomic<uint32_t> is a plain 32-bit word (static_assert below), so
    // the kernel may compare it. FUTEX_WAIT_BITSET takes an absolute
    // CLOCK_MONOTONIC deadline, so EINTR and spurious wakes need no
    // recomputation by the caller.
    static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
    timespec ts{};
    timespec *tsp = nullptr;
    if (deadline_ns != WFISLEEP_FOREVER) {
        ts.tv_sec = static_cast<time_t>(deadline_ns / 1000000000ULL);
        ts.tv_nsec = static_cast<long>(deadline_ns % 1000000000ULL);
        tsp = &ts;
    }
    (void)syscall(SYS_futex, reinterpret_cast<uint32_t *>(word),
                  FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tsp, nullptr,
                  FUTEX_BITSET_MATCH_ANY);
}

void Parker::unpark(std::atomic<uint32_t> *word) noexcept {
    (void)syscall(SYS_futex, reinterpret_cast<uint32_t *>(word), FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1,
                  nullptr, nullptr, 0);
}

}  // namespace wfisleep::platform
