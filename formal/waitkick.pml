/* waitkick.pml - Promela model of the wfisleep wait/kick protocol as implemented
 * in src/platform/waiter.cc + parker_futex_linux.cc, or with -DKQUEUE
 * parker_kqueue_apple.cc (checked by formal/check.sh).
 *
 * One vCPU thread runs idle traps forever: wfisleep_vcpu_trap_begin (a relaxed
 * load, then exchange(IDLE) if KICKED, like consume_kick: a kick that landed
 * before the trap is discarded), the embedder's has_work check (irq || stop,
 * taking what it saw), then plan (any mix of poll / sleep (finite, forever,
 * strict) / spin) and Waiter::wait. NKICKERS threads each, NKICKS times, give
 * the vCPU a reason to run - a pending interrupt (irq) or a stop/exit request
 * or queued work (stop; QEMU's !cpu_thread_is_idle covers both) - then kick.
 * The futex is modelled with the kernel's guarantee (value check and enqueue
 * are atomic with respect to FUTEX_WAKE), plus timeouts and a bounded number
 * of spurious wakeups. -DKQUEUE models the macOS parker instead: park loads
 * the word, returns if it changed, then waits in kevent for a user trigger
 * that is sticky (EV_CLEAR: a trigger sent while nobody waits stays set until
 * a wait retrieves it), so the value check and the block are two steps.
 * -DPLAN2 adds the plan2 shapes the adaptive policy makes: a second finite
 * sleep after a finite one, and YIELD busy phases, which may stop at any
 * step (a preemption gap) and block, kickable, for the rest of the phase
 * (block_until, finite). (A separate switch: with both kinds of plan the
 * 2-kicker search grows about fourfold, past the time budget of one check.)
 * Each Promela statement is one atomic step of the code: a load, a store, an
 * exchange or a CAS on the word (the model is sequentially consistent; the
 * release/acquire ordering of the C++ code is checked by the TSan stress tests).
 *
 * Checked:
 *  - A kick is never lost: every kick ends the kickable wait in progress or
 *    the next kickable wait, unless trap_begin discards it first (ghost
 *    "slack", asserted at each wait's end).
 *  - A wait or trap_begin that consumes a kick consumed a real one (no
 *    phantom kicks; a stale kick costs one early return at most).
 *  - Discarding is safe: no work whose kick was already consumed goes unseen
 *    by has_work into a wait. Ghost "owed" is set when a kick is consumed
 *    while irq or stop is pending (this may count work whose kick is still to
 *    come, which only makes the check stricter) and cleared when has_work
 *    takes the work. Asserted !owed where the vCPU enqueues on the futex (it
 *    would block, maybe forever, with nothing left to wake it) and at the end
 *    of every wait that ran its course without a kick - kickable or strict
 *    (it waited out its deadline on a has_work that missed the work). Not at
 *    the end of a wait with no phase: it returns at once and the next
 *    has_work sees the work.
 *  - The vCPU never blocks in the futex while a kick is pending, and once no
 *    kick() call is in progress a pending kick never coexists with a blocked
 *    vCPU (monitor blocked_inv).
 *  - No deadlock: when nothing can move, no interrupt, stop request or kick
 *    is pending (monitor quiescent); the only valid end state of the vCPU is
 *    a wait-forever plan.
 *  - -DLIVE: LTL "a pending kick is eventually consumed" under weak fairness,
 *    with the policy restricted to kickable plans.
 * Mutants (-DMUT_*), each of which must make the check fail:
 *  MUT_KICK_STORE          kick(): load then plain store instead of exchange
 *  MUT_NO_VALUE_CHECK      futex wait that blocks without comparing the word
 *  MUT_BLOCK_STORE         end of sleep: load then store IDLE instead of exchange
 *  MUT_CAS_STORE           start of sleep: check then store WAITING instead of CAS
 *  MUT_NO_WAKE             kick() never calls futex wake
 *  MUT_TRAP_AFTER_HAS_WORK has_work sampled before trap_begin: trap_begin
 *                          discards a kick whose work has_work missed (owed)
 *  MUT_YIELD_DROP          (with -DPLAN2) a YIELD block that a kick ended is
 *                          taken as timed out: the wait goes on with the
 *                          kick consumed
 *  MUT_SLEEP2_DROP         (with -DPLAN2) the first sleep's kick is forgotten
 *                          when a second sleep follows
 *  MUT_KQ_NOT_STICKY       (with -DKQUEUE) a trigger sent while the vCPU is
 *                          not yet blocked in kevent is lost
 * The LTL claim alone catches KICK_STORE, NO_WAKE and BLOCK_STORE, not
 * TRAP_AFTER_HAS_WORK: there the kick is consumed (so kick_consumed holds) and
 * what is lost is the work, which the claim does not speak about.
 */

#ifndef NKICKERS
#define NKICKERS 2
#endif
#ifndef NKICKS
#define NKICKS 2
#endif
#define MAXSPIN 2 /* relax iterations before a poll/spin phase must time out */
#define MAXSPUR 1 /* spurious futex wakeups per sleep */

#define IDLE 0
#define WAITING 1
#define KICKED 2

/* sleep phase kinds of a plan */
#define S_NONE 0
#define S_FINITE 1
#define S_FOREVER 2
#define S_STRICT 3

byte word = IDLE; /* Waiter::word_ */
bool fq = false;  /* the vCPU is enqueued on the futex (blocked in kevent) */
bool trig = false; /* -DKQUEUE: the user event's sticky trigger */
bool irq = false;  /* an interrupt is pending for the guest */
bool stop = false; /* a stop/exit request or queued work is pending */

/* ghost state for the properties */
bool gpend = false;       /* a kick was issued and not yet consumed */
byte slack = 0;           /* kickable waits that may still end without consuming it */
bool in_wait = false;     /* the vCPU is inside Waiter::wait */
bool cur_kickable = false;/* ... and its plan has a kickable phase */
byte kip = 0;             /* kick() calls in progress */
bool owed = false;        /* a kick was consumed while work (irq/stop) was
                             pending, and has_work has not taken it since */

/* The owner consumed a kick (exchange returned KICKED). */
inline absorb() {
    assert(gpend); /* no phantom kick */
    gpend = false;
    slack = 0;
    if
    :: irq || stop -> owed = true /* only has_work can see this work now */
    :: else
    fi
}

/* Waiter::consume_kick: relaxed load, then exchange(IDLE). */
inline consume_kick(res) {
    if
    :: word != KICKED -> res = false
    :: else ->
        atomic {
            res = (word == KICKED);
            word = IDLE;
            if
            :: res -> absorb()
            :: else
            fi
        }
    fi
}

/* Waiter::spin_until: consume check, deadline check, cpu_relax, repeat.
 * yieldp: a YIELD phase, which may see a preemption gap at any step and stop
 * (yielded) to block for the rest of the phase instead. */
inline spin_until(res, yieldp, yielded) {
    cnt = 0;
    yielded = false;
    do
    :: consume_kick(res);
        if
        :: res -> break
        :: else
        fi;
        if
        :: cnt < MAXSPIN -> cnt++ /* not yet: relax and look again */
        :: true -> break          /* now_ns() >= deadline */
        :: yieldp -> yielded = true; break /* lost the CPU: block instead */
        fi
    od
}

#ifndef KQUEUE
/* address_wait(word, WAITING, deadline) = FUTEX_WAIT_BITSET. */
inline futex_wait(finite) {
    atomic {
#ifdef MUT_NO_VALUE_CHECK
        assert(!owed);
        fq = true
#else
        if
        :: word == WAITING -> assert(!gpend && !owed); fq = true
        :: else -> skip /* EAGAIN */
        fi
#endif
    }
    /* the only place the vCPU may stay forever: a wait-forever plan, no kick */
end_futex:
    if
    :: !fq -> skip                                          /* EAGAIN, or woken */
    :: atomic { fq && finite -> fq = false; expired = true } /* ETIMEDOUT */
    :: atomic { fq && spur < MAXSPUR -> fq = false; spur++ } /* spurious / EINTR */
    fi
}

/* address_wake_one = FUTEX_WAKE(1). */
inline futex_wake() {
    atomic {
        if
        :: fq -> fq = false
        :: else
        fi
    }
}
#else
/* Parker::park on macOS: the word check, then (a separate step) kevent64
 * waiting for the user trigger or the timer. A trigger already set is
 * retrieved (and cleared, EV_CLEAR) at once. */
inline futex_wait(finite) {
    if
    :: word != WAITING -> skip /* changed since the caller looked */
    :: else ->
        atomic {
            if
            :: trig -> trig = false /* a kick (or a stale one) already sent */
            :: else -> assert(!owed); fq = true
            fi
        }
    fi;
end_futex:
    if
    :: !fq -> skip                                          /* woken by the trigger */
    :: atomic { fq && finite -> fq = false; expired = true } /* the timer fired */
    :: atomic { fq && spur < MAXSPUR -> fq = false; spur++ } /* EINTR */
    fi
}

/* Parker::unpark: NOTE_TRIGGER on the user event. A blocked wait retrieves
 * it at once; otherwise it stays set for the next wait. */
inline futex_wake() {
    atomic {
        if
        :: fq -> fq = false
#ifdef MUT_KQ_NOT_STICKY
        :: else
#else
        :: else -> trig = true
#endif
        fi
    }
}
#endif

/* final exchange(word, IDLE) of block_until */
inline xchg_idle(res) {
#ifdef MUT_BLOCK_STORE
    res = (word == KICKED);
    if
    :: res -> absorb()
    :: else
    fi;
    word = IDLE
#else
    atomic {
        res = (word == KICKED);
        word = IDLE;
        if
        :: res -> absorb()
        :: else
        fi
    }
#endif
}

/* Waiter::block_until */
inline block_until(finite, res) {
#ifdef MUT_CAS_STORE
    if
    :: word == IDLE -> ok = true
    :: else -> ok = false
    fi;
    if
    :: ok -> word = WAITING
    :: else
    fi;
#else
    atomic {
        if
        :: word == IDLE -> word = WAITING; ok = true
        :: else -> ok = false
        fi
    }
#endif
    if
    :: !ok -> xchg_idle(res)
    :: else ->
        expired = false;
        spur = 0;
        do
        :: word != WAITING -> break
        :: else ->
            if
            :: finite && !expired -> expired = true /* time passed the deadline */
            :: true
            fi;
            if
            :: expired -> break
            :: else -> futex_wait(finite)
            fi
        od;
        xchg_idle(res)
    fi
}

/* A poll or spin phase of Waiter::wait: spin_until, and after a yield,
 * block_until (finite) for the rest of the phase. */
inline busy_phase(res) {
    spin_until(res, yieldp, yielded);
    if
    :: yielded ->
        block_until(true, res);
#ifdef MUT_YIELD_DROP
        res = false
#else
        skip
#endif
    :: else
    fi
}

/* wfisleep_vcpu_trap_begin: the same relaxed load + exchange(IDLE) as
 * consume_kick; a kick it consumes is discarded (its cause is has_work's). */
inline trap_begin(res) {
    consume_kick(res)
}

/* The embedder's has_work check (QEMU: !cpu_thread_is_idle): covers every
 * reason a kicker kicks for; the vCPU then handles what it saw. */
inline has_work(hw) {
    atomic {
        assert(!owed || irq || stop); /* so taking the work settles owed */
        hw = irq || stop;
        irq = false;
        stop = false;
        owed = false
    }
}

active proctype vcpu() {
    bool hw, kicked, ok, res, expired, pollp, spinp, kickable, fin, stale, yieldp, yielded, sleep2;
    byte cnt, spur, sleepk;
    do
    :: /* guest trapped on WFI/HLT */
#ifdef MUT_TRAP_AFTER_HAS_WORK
        has_work(hw);
        trap_begin(stale);
#else
        trap_begin(stale);
        has_work(hw);
#endif
        if
        :: hw -> skip
        :: else ->
            /* plan: any mix a policy may return */
            if
            :: pollp = false
            :: pollp = true
            fi;
            if
            :: sleepk = S_NONE
            :: sleepk = S_FINITE
            :: sleepk = S_FOREVER
            :: sleepk = S_STRICT
            fi;
            if
            :: sleepk == S_FOREVER -> spinp = false
            :: else ->
                if
                :: spinp = false
                :: spinp = true
                fi
            fi;
            sleep2 = false;
            yieldp = false;
#ifdef PLAN2
            /* adaptive: a second, short sleep after a finite first one */
            if
            :: sleepk == S_FINITE -> if :: sleep2 = false :: sleep2 = true fi
            :: else
            fi;
            if
            :: pollp || spinp -> if :: yieldp = false :: yieldp = true fi
            :: else
            fi;
#endif
            kickable = pollp || spinp || sleepk == S_FINITE || sleepk == S_FOREVER;
#ifdef LIVE
            if
            :: !kickable -> pollp = true; kickable = true /* liveness run: kickable plans only */
            :: else
            fi;
#endif
            atomic {
                in_wait = true;
                cur_kickable = kickable
            };
            kicked = false;
            /* Waiter::wait */
            if
            :: pollp -> busy_phase(kicked)
            :: else
            fi;
            if
            :: kicked -> goto done
            :: else
            fi;
            if
            :: sleepk == S_FINITE || sleepk == S_FOREVER ->
                fin = (sleepk == S_FINITE);
                block_until(fin, kicked)
            :: sleepk == S_STRICT -> skip /* sleep_until_ns: not kickable */
            :: sleepk == S_NONE -> skip
            fi;
            if
#ifdef MUT_SLEEP2_DROP
            :: (kicked && !sleep2) || sleepk == S_FOREVER -> goto done
#else
            :: kicked || sleepk == S_FOREVER -> goto done
#endif
            :: else
            fi;
            if
            :: sleep2 ->
#ifdef MUT_SLEEP2_DROP
                kicked = false;
#endif
                block_until(true, kicked)
            :: else
            fi;
            if
            :: kicked -> goto done
            :: else
            fi;
            if
            :: spinp -> busy_phase(kicked)
            :: else
            fi;
done:
            atomic {
                if
                :: kickable && !kicked ->
                    /* a kick pending now must be one this wait was allowed to miss */
                    assert(!gpend || slack > 0);
                    if
                    :: gpend -> slack = 0 /* ... but the next kickable wait may not */
                    :: else
                    fi
                :: else
                fi;
                /* A wait that ran its course (not kicked, some phase) must not
                 * have done so on work whose kick was already consumed. */
                assert(kicked || !owed || !(kickable || sleepk == S_STRICT));
                in_wait = false
            }
        fi
    od
}

/* Another thread gives the vCPU a reason to run, then calls wfisleep_vcpu_kick. */
proctype kicker() {
    byte n = 0;
    byte old;
    do
    :: n < NKICKS ->
        if
        :: irq = true  /* an interrupt */
        :: stop = true /* a stop/exit request or queued work */
        fi;
#ifdef MUT_KICK_STORE
        atomic {
            kip++;
            old = word
        };
        atomic {
            word = KICKED;
            if
            :: !gpend -> gpend = true; slack = (in_wait && cur_kickable -> 1 : 0)
            :: else
            fi
        };
#else
        atomic {
            kip++;
            old = word;
            word = KICKED;
            if
            :: !gpend -> gpend = true; slack = (in_wait && cur_kickable -> 1 : 0)
            :: else
            fi
        };
#endif
#ifndef MUT_NO_WAKE
        if
        :: old == WAITING -> futex_wake()
        :: else
        fi;
#endif
        kip--;
        n++
    :: else -> break
    od
}

/* Once no kick() is in progress, a pending kick and a blocked vCPU never coexist. */
active proctype blocked_inv() {
end:
    atomic {
        kip == 0 && fq && gpend -> assert(false)
    }
}

/* When nothing can move any more, no work or kick is pending. */
active proctype quiescent() {
end:
    atomic {
        timeout -> assert(!irq && !stop && !gpend)
    }
}

init {
    byte i = 0;
    atomic {
        do
        :: i < NKICKERS -> run kicker(); i++
        :: else -> break
        od
    }
}

#ifdef LIVE
ltl kick_consumed { [] (gpend -> <> !gpend) }
#endif
