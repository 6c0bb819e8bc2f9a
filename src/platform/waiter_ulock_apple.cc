// waiter_ulock_apple.cc - the waiter's block/wake primitives on macOS: __ulock_wait2/__ulock_wake.
// UNTESTED HERE: this machine is Linux; compiled only for Apple targets.
//
// __ulock_* is the primitive under libc++'s std::atomic::wait on Darwin
// (available since macOS 10.12; __ulock_wait2 with a ns timeout since 11).
// os_sync_wait_on_address (macOS 14.4) is the public equivalent; switch to it
// once the minimum deployment target allows.
#include <cstdint>

#include "platform/clock.h"
#include "platform/waiter.h"

extern "C" {
int __ulock_wait2(uint32_t operation, void *addr, uint64_t value, uint64_t timeout_ns,
                  uint64_t value2);
int __ulock_wake(uint32_t operation, void *addr, uint64_t wake_value);
}

namespace wfisleep::platform {
namespace {
constexpr uint32_t kUlCompareAndWait = 1;
constexpr uint32_t kUlfNoErrno = 0x01000000;
}  // namespace

void address_wait(std::atomic<uint32_t> *word, uint32_t expected, uint64_t deadline_ns) noexcept {
    uint64_t timeout_ns = 0;  // 0 = no timeout
    if (deadline_ns != WFISLEEP_FOREVER) {
        const uint64_t now = now_ns();
        if (now >= deadline_ns) {
            return;
        }
        timeout_ns = deadline_ns - now;
    }
    (void)__ulock_wait2(kUlCompareAndWait | kUlfNoErrno, word, expected, timeout_ns, 0);
}

void address_wake_one(std::atomic<uint32_t> *word) noexcept {
    (void)__ulock_wake(kUlCompareAndWait | kUlfNoErrno, word, 0);
}

}  // namespace wfisleep::platform
