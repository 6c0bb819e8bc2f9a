// fake_wait_clock.h - a fake clock for the waiter's test seam (WaitHooks), shared by the waiter's
// and the adaptive policy's tests.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>

#include "platform/waiter.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {

// Time moves only when the waiter relaxes (spin_step ns per iteration) or
// parks/sleeps (to the deadline plus oversleep, or plus law(length) when a
// law is set). A jump can be scheduled to happen at one relax, or at the
// first relax at or after a time, as if the thread lost the CPU there. A
// kick can be scheduled at a time: kick_target->kick() runs when the clock
// reaches it, from a relax or from inside a park (which then returns at the
// kick), so the real waiter sees it exactly as a kick from another thread.
struct FakeClock {
    uint64_t t = 1000000;
    uint64_t spin_step = 50;
    uint64_t oversleep = 0;
    uint64_t (*law)(void *law_ctx, uint64_t len) = nullptr;  // overrides oversleep
    void *law_ctx = nullptr;
    uint64_t jump_at_relax = UINT64_MAX;  // relax count at which to jump
    uint64_t jump_ns = 0;
    uint64_t jump_at_ns = UINT64_MAX;  // or: first relax at or after this time
    uint64_t kick_at = UINT64_MAX;     // when kick_target gets its kick
    Waiter *kick_target = nullptr;
    // After this long busy without a park, each relax steps 1/64 of the busy
    // time so far (a spin across hours ends in a few thousand steps; the
    // steps then exceed the waiter's preemption gap).
    uint64_t accelerate_after_ns = UINT64_MAX;
    uint64_t busy_since = 0;  // 0: not busy since the last park
    uint64_t relaxes = 0;
    uint64_t parks = 0;
    // The thread's local signal (WaitHooks::run_delay). none: no signal (as
    // on macOS), so a jump counts as a preemption by itself. A jump is run-
    // queue delay (jump_local: another task had the core, the signal grows by
    // it, or by one involuntary switch) or not (the host did not run this
    // machine's CPU: the signal stays). wake_run_delay: after every timed
    // block's wake-up the thread waits this long on a run queue, which the
    // signal also sees (the clock moves on by it).
    RunDelaySource signal = RunDelaySource::none;
    bool jump_local = true;
    uint64_t wake_run_delay = 0;
    uint64_t run_delay_ns = 0;  // the schedstat counter
    uint64_t involuntary = 0;   // the getrusage counter
    uint64_t signal_reads = 0;

    WaitHooks hooks() {
        return WaitHooks{&FakeClock::now,
                         &FakeClock::park,
                         &FakeClock::sleep_until,
                         &FakeClock::relax,
                         this,
                         &FakeClock::read_signal};
    }
    static RunDelaySample read_signal(void *c) {
        auto *f = static_cast<FakeClock *>(c);
        ++f->signal_reads;
        switch (f->signal) {
            case RunDelaySource::schedstat:
                return {f->signal, f->run_delay_ns};
            case RunDelaySource::involuntary_switches:
                return {f->signal, f->involuntary};
            case RunDelaySource::none:
                break;
        }
        return {};
    }
    // The thread waits delay_ns on a run queue.
    void queue_for(uint64_t delay_ns) {
        t = sat_add(t, delay_ns);
        run_delay_ns += delay_ns;
    }
    static uint64_t sat_add(uint64_t a, uint64_t b) {
        return a > UINT64_MAX - b ? UINT64_MAX : a + b;
    }
    uint64_t late(uint64_t len) { return law != nullptr ? law(law_ctx, len) : oversleep; }
    // Delivers the scheduled kick once the clock has reached it.
    void kick_if_due() {
        if (kick_target != nullptr && t >= kick_at) {
            kick_at = UINT64_MAX;
            kick_target->kick();
        }
    }
    static uint64_t now(void *c) { return static_cast<FakeClock *>(c)->t; }
    static void park(void *c, std::atomic<uint32_t> * /*word*/, uint32_t /*expected*/,
                     uint64_t deadline) {
        auto *f = static_cast<FakeClock *>(c);
        ++f->parks;
        f->busy_since = 0;
        const uint64_t wake =
            deadline == WFISLEEP_FOREVER
                ? UINT64_MAX
                : sat_add(deadline, f->late(deadline > f->t ? deadline - f->t : 0));
        if (f->kick_target != nullptr && f->kick_at < wake) {
            f->t = f->kick_at > f->t ? f->kick_at : f->t;
            f->kick_if_due();
            f->queue_for(f->wake_run_delay);
            return;
        }
        if (deadline == WFISLEEP_FOREVER) {
            ADD_FAILURE() << "a park without timeout and no kick scheduled would never return";
            if (f->kick_target != nullptr) {
                f->kick_target->kick();
            }
            return;
        }
        f->t = wake > f->t ? wake : f->t;
        f->queue_for(f->wake_run_delay);
    }
    static void sleep_until(void *c, uint64_t deadline) {
        auto *f = static_cast<FakeClock *>(c);
        f->busy_since = 0;
        const uint64_t wake = sat_add(deadline, f->late(deadline > f->t ? deadline - f->t : 0));
        f->t = wake > f->t ? wake : f->t;
        f->kick_if_due();  // lands during the strict sleep: stays pending
        f->queue_for(f->wake_run_delay);
    }
    static void relax(void *c) {
        auto *f = static_cast<FakeClock *>(c);
        if (f->busy_since == 0) {
            f->busy_since = f->t;
        }
        const uint64_t busy = f->t - f->busy_since;
        f->t =
            sat_add(f->t, busy > f->accelerate_after_ns && busy / 64 > f->spin_step ? busy / 64
                                                                                    : f->spin_step);
        if (++f->relaxes == f->jump_at_relax || f->t >= f->jump_at_ns) {
            f->jump_at_ns = UINT64_MAX;
            f->t += f->jump_ns;
            if (f->jump_local) {
                f->run_delay_ns += f->jump_ns;
                ++f->involuntary;
            }
        }
        f->kick_if_due();
    }
};

}  // namespace wfisleep::platform
