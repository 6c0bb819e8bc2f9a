// real_wait.h - runs a policy's plan on the library's real waiter with a fake clock (the WaitHooks
// seam), so the policy tests see what the waiter really reports.
#pragma once

#include <cstdint>
#include <functional>

#include "../common/fake_wait_clock.h"
#include "platform/waiter.h"
#include "policy/adaptive_policy.h"
#include "vcpu.h"

namespace adaptive_test {

using wfisleep::platform::FakeClock;
using wfisleep::platform::Waiter;
using wfisleep::platform::WaitHooks;
using wfisleep::platform::WaitOutcome;
using wfisleep::platform::WaitPhase;

// How one wait of the 0.1 plan shape ended.
struct Outcome {
    uint64_t end_ns = 0;
    bool kicked = false;
    uint64_t woke_ns = 0;  // when the (last) sleep phase returned (0: none ran)
    bool in_poll = false;  // the kick ended the wait in its poll phase
};

// How one plan2 wait went: the outcome done2 takes (as the library fills it
// from its waiter), plus what it cost.
struct Outcome2 {
    wfisleep_outcome o{};
    uint64_t busy_ns = 0;     // time spent spinning in poll and spin phases
    uint32_t sleeps_run = 0;  // sleep phases that really blocked (a wake-up each)
    uint64_t parks = 0;       // blocks on the fake clock (sleeps, yields)
    uint64_t unconfirmed_gap_ns = 0;
};

// What the scheduler does to the waiting thread beyond the timer's law: the
// local signal the waiter can read, run-queue delay after each timed
// block's wake-up (seen by that signal), and whether a preemption jump is
// run-queue delay (local) or the host not running this machine's CPU.
struct Sched {
    wfisleep::platform::RunDelaySource signal = wfisleep::platform::RunDelaySource::none;
    uint64_t wake_run_delay = 0;
    bool preempt_local = true;
};

// One waiter on one fake clock; a test keeps one per policy under test or
// makes one per wait (the waiter holds no state between waits but a kick).
class RealWait {
  public:
    // One busy-loop iteration on the fake clock: a spin ends up to this
    // late, as a real one ends at its first clock read past its end.
    static constexpr uint64_t kStepNs = 100;

    // kick_at: when a kick arrives (UINT64_MAX: never; at or before now it
    // is pending when the wait starts). law(len): how late a timed block of
    // len ns returns. preempt_at/preempt_ns: the thread loses the CPU for
    // preempt_ns at the first busy-loop step at or after preempt_at.
    WaitOutcome run(uint64_t now, uint64_t kick_at, std::function<uint64_t(uint64_t)> law,
                    const std::function<WaitOutcome(Waiter &)> &wait,
                    uint64_t preempt_at = UINT64_MAX, uint64_t preempt_ns = 0,
                    const Sched &sched = {}) {
        law_ = std::move(law);
        FakeClock clk;
        clk.t = now;
        clk.spin_step = kStepNs;
        clk.accelerate_after_ns = 4000000;  // spins of random far deadlines
        clk.law = &RealWait::call_law;
        clk.law_ctx = this;
        clk.kick_target = &waiter_;
        clk.kick_at = kick_at;
        clk.jump_at_ns = preempt_ns > 0 ? preempt_at : UINT64_MAX;
        clk.jump_ns = preempt_ns;
        clk.signal = sched.signal;
        clk.wake_run_delay = sched.wake_run_delay;
        clk.jump_local = sched.preempt_local;
        const WaitHooks hooks = clk.hooks();
        (void)waiter_.discard_kick();  // nothing left from an earlier wait
        clk.kick_if_due();
        waiter_.set_hooks_for_testing(&hooks);
        const WaitOutcome out = wait(waiter_);
        waiter_.set_hooks_for_testing(nullptr);
        parks_ = clk.parks;
        return out;
    }
    uint64_t parks() const { return parks_; }

  private:
    static uint64_t call_law(void *self, uint64_t len) {
        return static_cast<RealWait *>(self)->law_(len);
    }
    Waiter waiter_;
    std::function<uint64_t(uint64_t)> law_;
    uint64_t parks_ = 0;
};

// Runs the 0.1 plan p made at now on the real waiter. oversleep_ns: how late
// every timed block returns.
inline Outcome execute(const wfisleep_plan &p, uint64_t now, uint64_t kick_at,
                       uint64_t oversleep_ns) {
    RealWait rw;
    const WaitOutcome w = rw.run(
        now, kick_at, [oversleep_ns](uint64_t) { return oversleep_ns; },
        [&](Waiter &waiter) { return waiter.wait(p, now); });
    Outcome o;
    o.end_ns = w.end_ns;
    o.kicked = w.kicked;
    o.woke_ns = w.sleep_woke_ns();
    o.in_poll = w.kicked && w.ended_in == WaitPhase::poll;
    return o;
}

// Runs plan p (made at p.start_ns) on the real waiter and reports what the
// library would hand to done2 after it.
template <typename Law>
Outcome2 execute2(const wfisleep_plan2 &p, uint64_t kick_at, Law law,
                  uint64_t preempt_at = UINT64_MAX, uint64_t preempt_ns = 0,
                  const Sched &sched = {}) {
    RealWait rw;
    const WaitOutcome w = rw.run(
        p.start_ns, kick_at, law, [&](Waiter &waiter) { return waiter.wait(p); }, preempt_at,
        preempt_ns, sched);
    Outcome2 r;
    r.o.size = sizeof r.o;
    outcome_from_wait(w, r.o);
    r.busy_ns = w.poll_ns + w.spin_ns;
    r.parks = rw.parks();
    r.unconfirmed_gap_ns = w.unconfirmed_gap_ns;
    // Sleep phases that began before their end and were not ended by a kick.
    for (uint32_t i = 0; i < p.nphases && i < WFISLEEP_MAX_PHASES; ++i) {
        if (p.phase[i].kind != WFISLEEP_PHASE_SLEEP || w.wake_ns[i] == 0 ||
            (w.kicked && w.ended_index == i)) {
            continue;
        }
        uint64_t began = p.start_ns;
        if (i > 0) {
            const bool prev_sleep = p.phase[i - 1].kind == WFISLEEP_PHASE_SLEEP;
            began = prev_sleep ? w.wake_ns[i - 1] : p.phase[i - 1].end_ns;
        }
        r.sleeps_run += began < p.phase[i].end_ns ? 1u : 0u;
    }
    return r;
}

// Reports an outcome to the policy, with or without the sleep's wake time.
inline void report(wfisleep::AdaptivePolicy &pol, const Outcome &o, bool with_wake_time) {
    if (with_wake_time) {
        pol.done(o.end_ns, o.kicked, o.woke_ns);
    } else {
        pol.done(o.end_ns, o.kicked);
    }
}

}  // namespace adaptive_test
