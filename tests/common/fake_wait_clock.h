// fake_wait_clock.h - a fake clock for the waiter's test seam (WaitHooks), shared by the waiter's
// and the adaptive policy's tests.
#pragma once

#include <atomic>
#include <cstdint>

#include "platform/waiter.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {

// Time moves only when the waiter relaxes (spin_step ns per iteration) or
// parks/sleeps (to the deadline plus oversleep). A jump can be scheduled to
// happen at one relax, as if the thread lost the CPU there.
struct FakeClock {
    uint64_t t = 1000000;
    uint64_t spin_step = 50;
    uint64_t oversleep = 0;
    uint64_t jump_at_relax = UINT64_MAX;  // relax count at which to jump
    uint64_t jump_ns = 0;
    uint64_t relaxes = 0;
    uint64_t parks = 0;

    WaitHooks hooks() {
        return WaitHooks{&FakeClock::now, &FakeClock::park, &FakeClock::sleep_until,
                         &FakeClock::relax, this};
    }
    static uint64_t now(void *c) { return static_cast<FakeClock *>(c)->t; }
    static void park(void *c, std::atomic<uint32_t> * /*word*/, uint32_t /*expected*/,
                     uint64_t deadline) {
        auto *f = static_cast<FakeClock *>(c);
        ++f->parks;
        if (deadline != WFISLEEP_FOREVER && f->t < deadline + f->oversleep) {
            f->t = deadline + f->oversleep;
        }
    }
    static void sleep_until(void *c, uint64_t deadline) {
        auto *f = static_cast<FakeClock *>(c);
        if (f->t < deadline + f->oversleep) {
            f->t = deadline + f->oversleep;
        }
    }
    static void relax(void *c) {
        auto *f = static_cast<FakeClock *>(c);
        f->t += f->spin_step;
        if (++f->relaxes == f->jump_at_relax) {
            f->t += f->jump_ns;
        }
    }
};

}  // namespace wfisleep::platform
