// waiter.cc - the wait/kick protocol of wfisleep.h, platform-neutral part.
#include "platform/waiter.h"

#include "plan_convert.h"
#include "platform/clock.h"
#include "platform/cpu_relax.h"

namespace wfisleep::platform {

uint64_t WaitOutcome::sleep_woke_ns() const noexcept {
    for (uint32_t i = WFISLEEP_MAX_PHASES; i > 0; --i) {
        if (wake_ns[i - 1] != 0) {
            return wake_ns[i - 1];
        }
    }
    return 0;
}

void Waiter::kick() noexcept {
    // Release: what the kicker wrote before (the pending interrupt) is
    // visible to the owner once its wait sees KICKED with acquire.
    if (word_.exchange(kKicked, std::memory_order_acq_rel) == kWaiting) {
        parker_.unpark(&word_);
    }
}

uint64_t Waiter::now() const noexcept {
    return hooks_ == nullptr ? now_ns() : hooks_->now_ns(hooks_->ctx);
}

void Waiter::relax() const noexcept {
    if (hooks_ == nullptr) {
        cpu_relax();
    } else {
        hooks_->relax(hooks_->ctx);
    }
}

RunDelaySample Waiter::refresh_signal() noexcept {
    const RunDelaySample before = signal_;
    if (hooks_ == nullptr) {
        signal_ = read_run_delay();
    } else {
        signal_ = hooks_->run_delay != nullptr ? hooks_->run_delay(hooks_->ctx) : RunDelaySample{};
    }
    const bool had = have_signal_;
    have_signal_ = signal_.source != RunDelaySource::none;
    return had ? before : RunDelaySample{};
}

bool Waiter::gap_is_local(uint64_t gap_ns) noexcept {
    const RunDelaySample base = refresh_signal();
    if (signal_.source == RunDelaySource::none || base.source != signal_.source) {
        return true;  // nothing to confirm with (macOS), or no baseline yet
    }
    if (signal_.source == RunDelaySource::schedstat) {
        return run_delay_between(base, signal_) >= gap_ns / 2;
    }
    return signal_.value > base.value;  // an involuntary context switch
}

bool Waiter::consume_kick() noexcept {
    // Only kick() stores KICKED and only the owner stores IDLE/WAITING, so a
    // cheap load first keeps the common no-kick path free of a locked op.
    if (word_.load(std::memory_order_relaxed) != kKicked) {
        return false;
    }
    return word_.exchange(kIdle, std::memory_order_acquire) == kKicked;
}

bool Waiter::spin_until(uint64_t deadline_ns, WaitOutcome &out, bool &at_entry,
                        bool yield_on_preempt, bool &yielded) noexcept {
    uint64_t prev = 0;
    for (bool first = true;; first = false) {
        if (consume_kick()) {
            at_entry = first;
            return true;
        }
        const uint64_t t = now();
        // A long gap between two reads of one loop is time the thread did not
        // have the CPU. It is a preemption (another task wanted this core)
        // only when the thread's own signal says it waited on a run queue; on
        // a nested host the outer hypervisor also stops this machine's CPU,
        // and then nothing local is waiting for the core.
        if (prev != 0 && t > prev && t - prev > preempt_gap_ns_) {
            if (gap_is_local(t - prev)) {
                out.preempted_ns += t - prev;
                if (yield_on_preempt && t < deadline_ns) {
                    yielded = true;
                    return false;
                }
            } else {
                out.unconfirmed_gap_ns += t - prev;
            }
        }
        prev = t;
        if (t >= deadline_ns) {
            return false;
        }
        relax();
    }
}

bool Waiter::block_until(uint64_t deadline_ns, bool &at_entry) noexcept {
    uint32_t expected = kIdle;
    if (!word_.compare_exchange_strong(expected, kWaiting, std::memory_order_acq_rel)) {
        // Only a kick can have changed IDLE: consume it.
        at_entry = true;
        return word_.exchange(kIdle, std::memory_order_acquire) == kKicked;
    }
    while (word_.load(std::memory_order_acquire) == kWaiting) {
        if (deadline_ns != WFISLEEP_FOREVER && now() >= deadline_ns) {
            break;
        }
        if (hooks_ != nullptr) {
            hooks_->park(hooks_->ctx, &word_, kWaiting, deadline_ns);
        } else if (parker_.ok()) {
            parker_.park(&word_, kWaiting, deadline_ns);
        } else {
            cpu_relax();  // no platform wait (set-up failed): degrade to a spin
        }
    }
    return word_.exchange(kIdle, std::memory_order_acquire) == kKicked;
}

WaitOutcome Waiter::wait(const wfisleep_plan2 &plan) noexcept {
    WaitOutcome out;
    uint64_t t = now();
    const uint32_t n = plan.nphases < WFISLEEP_MAX_PHASES ? plan.nphases : WFISLEEP_MAX_PHASES;
    // A kick found by the first kickable check of the wait was pending when
    // the wait began; policies must not read it as a well-timed wake.
    bool first_kickable = true;
    // The local signal was read at the end of the phase just before (a
    // sleep): it is the baseline of the next sleep as it stands.
    bool signal_fresh = false;
    if (!have_signal_) {
        // The first wait of this waiter (or no signal at all): a baseline for
        // the gaps of its busy phases, once; later waits keep the reading of
        // their latest sleep or gap.
        (void)refresh_signal();
    }
    out.ended_index = n;
    for (uint32_t i = 0; i < n; ++i) {
        const wfisleep_phase &ph = plan.phase[i];
        if (ph.kind != WFISLEEP_PHASE_POLL && ph.kind != WFISLEEP_PHASE_SLEEP &&
            ph.kind != WFISLEEP_PHASE_SPIN) {
            continue;  // a kind we do not know: skipped, never spun (it may be unbounded)
        }
        bool kicked = false;
        bool at_entry = false;
        bool kickable = true;
        uint64_t *bucket = &out.spin_ns;
        WaitPhase kind = WaitPhase::spin;
        const bool forever = ph.kind == WFISLEEP_PHASE_SLEEP && ph.end_ns == WFISLEEP_FOREVER;
        out.begin_ns[i] = t;
        // A sleep that will block (its end is ahead) measures the thread's
        // run-queue delay across the block: the slow path, next to the
        // blocking system call. Busy phases never read it (only at a gap).
        const bool blocks = ph.kind == WFISLEEP_PHASE_SLEEP && ph.end_ns > t;
        RunDelaySample before{};
        if (blocks) {
            if (!signal_fresh) {
                (void)refresh_signal();
            }
            before = signal_;
        }
        signal_fresh = false;
        if (ph.kind == WFISLEEP_PHASE_SLEEP) {
            kind = WaitPhase::sleep;
            bucket = &out.sleep_ns;
            if ((ph.flags & WFISLEEP_PHASE_STRICT) != 0 && !forever) {
                kickable = false;  // leaves a kick pending, like g_usleep
                if (hooks_ != nullptr) {
                    hooks_->sleep_until(hooks_->ctx, ph.end_ns);
                } else {
                    sleep_until_ns(ph.end_ns);
                }
            } else {
                kicked = block_until(ph.end_ns, at_entry);
            }
        } else {
            if (ph.kind == WFISLEEP_PHASE_POLL) {
                kind = WaitPhase::poll;
                bucket = &out.poll_ns;
            }
            bool yielded = false;
            kicked = spin_until(ph.end_ns, out, at_entry, (ph.flags & WFISLEEP_PHASE_YIELD) != 0,
                                yielded);
            if (yielded) {
                // The core is contended: block for the rest of the phase.
                const uint64_t mid = now();
                *bucket += mid > t ? mid - t : 0;
                t = mid;
                bucket = &out.sleep_ns;
                bool block_entry = false;
                kicked = block_until(ph.end_ns, block_entry);
            }
        }
        const uint64_t end = now();
        *bucket += end > t ? end - t : 0;
        t = end;
        out.ended_in = kind;
        out.end_ns = end;
        if (kind == WaitPhase::sleep) {
            out.wake_ns[i] = end;
        }
        if (blocks) {
            (void)refresh_signal();
            out.run_delay_ns[i] = run_delay_between(before, signal_);
            signal_fresh = true;
        }
        if (kicked || forever) {
            out.kicked = kicked;
            out.kick_at_start = kicked && at_entry && first_kickable;
            out.ended_index = i;
            return out;
        }
        first_kickable = first_kickable && !kickable;
    }
    out.end_ns = t;
    return out;
}

WaitOutcome Waiter::wait(const wfisleep_plan &plan, uint64_t start_ns) noexcept {
    wfisleep_plan2 p2{};
    plan2_from_plan(plan, start_ns, p2);
    return wait(p2);
}

}  // namespace wfisleep::platform
