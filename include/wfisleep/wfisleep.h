/* wfisleep.h - C ABI of wfisleep: how a vCPU thread waits after a guest WFI/HLT.
 *
 * Valid C11 and C++. All functions are noexcept: errors are return values.
 *
 * Model. A VMM creates one immutable config (wfisleep_config_parse) and one
 * wfisleep_vcpu per vCPU thread. Each time the guest traps on WFI/HLT the
 * vCPU thread calls wfisleep_vcpu_trap_begin(), samples has_work, then either
 *   - wfisleep_vcpu_idle(): plan + wait + learn in one call, or
 *   - wfisleep_vcpu_plan2(), waits by itself (or wfisleep_vcpu_wait2()), then
 *     wfisleep_vcpu_done2() with what the wait saw.
 * (wfisleep_vcpu_plan/_done/_wait are the 0.1 calls, kept as thin wrappers.)
 * Any other thread that gives the vCPU a reason to run calls
 * wfisleep_vcpu_kick(), which ends the library wait in progress or the next
 * one. An embedder that waits by itself after plan2 is not woken by it: it
 * keeps its own wake-up for its block and sees the kick with
 * wfisleep_vcpu_kick_pending().
 *
 * Clock. Every *_ns time is nanoseconds on the library clock
 * (wfisleep_now_ns: CLOCK_MONOTONIC on Linux, mach_absolute_time on macOS),
 * unless the embedder consistently passes its own monotonic clock to the
 * plan/done pair.
 *
 * Wait/kick protocol (per vCPU, one 32-bit word, values IDLE/WAITING/KICKED):
 *   kick:  old = exchange(word, KICKED); if old == WAITING, wake the waiter.
 *   trap_begin: if load(word) == KICKED, exchange(word, IDLE): a kick that
 *          landed before the trap is discarded, because its cause is visible
 *          to the has_work check the embedder makes next.
 *   wait:  each kickable phase first consumes a pending kick:
 *          poll/spin phases: load word until KICKED (then exchange(word, IDLE),
 *          consuming it) or time is up.
 *          sleep phase: CAS IDLE->WAITING (failing only if KICKED: consume it);
 *          block while word == WAITING (with timeout); afterwards
 *          exchange(word, IDLE): KICKED means kicked.
 *          A plan with no phase at all leaves a pending kick for the next wait.
 * No wakeup is lost: a kick that lands after trap_begin stays in the word
 * until a wait consumes it, so it ends that wait; a kick that trap_begin
 * discards landed before has_work was sampled, so has_work sees its cause -
 * provided has_work covers every reason the embedder kicks for (QEMU: a
 * pending interrupt, stop and exit requests and queued work, i.e.
 * !cpu_thread_is_idle(), not only cpu_has_work()).
 * Memory ordering: kick's exchange is release; trap_begin's and the wait's
 * exchanges are acquire, so what the kicker wrote before kicking (the pending
 * interrupt, the stop request) is visible to the vCPU thread once it consumed
 * or discarded that kick. (Formal model: formal/waitkick.pml.)
 */
#ifndef WFISLEEP_WFISLEEP_H
#define WFISLEEP_WFISLEEP_H

#include <stddef.h>
#include <stdint.h>

#define WFISLEEP_VERSION_MAJOR 0
#define WFISLEEP_VERSION_MINOR 3
#define WFISLEEP_VERSION_PATCH 0
/* The headers' version as one number: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define WFISLEEP_VERSION \
    (WFISLEEP_VERSION_MAJOR * 10000 + WFISLEEP_VERSION_MINOR * 100 + WFISLEEP_VERSION_PATCH)

/* deadline_ns value meaning "the guest timer is disabled or masked". */
#define WFISLEEP_NO_DEADLINE UINT64_MAX
/* sleep_ns value meaning "block until kicked". */
#define WFISLEEP_FOREVER UINT64_MAX

#if defined(__GNUC__)
#define WFISLEEP_API __attribute__((visibility("default")))
#else
#define WFISLEEP_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wfisleep_config wfisleep_config; /* opaque, immutable */
typedef struct wfisleep_vcpu wfisleep_vcpu;     /* opaque, one per vCPU thread */

/* The decision for one idle trap: poll for a kick for poll_ns, then sleep
 * (kickable, unless the strict seed) for sleep_ns, then busy-spin for spin_ns;
 * each phase ends at once on a kick. All zero = return to the guest at once.
 * sleep_ns == WFISLEEP_FOREVER: block until kicked (spin_ns is then 0). */
typedef struct wfisleep_plan {
    uint64_t poll_ns;
    uint64_t sleep_ns;
    uint64_t spin_ns;
    /* Non-zero when the sleep must not end on a kick (WFISLEEP_SEED_STRICT=1,
     * the document's g_usleep); the kick then stays pending. */
    int strict;
} wfisleep_plan;

/* Room for per-class values in wfisleep_stats (the adaptive policy uses 13). */
#define WFISLEEP_ADVANCE_CLASSES 16

/* Per-vCPU counters. The caller sets size = sizeof(wfisleep_stats); the
 * library fills at most size bytes, so old callers keep working when fields
 * are appended. Fields only ever get appended. */
typedef struct wfisleep_stats {
    uint32_t size;
    uint32_t reserved0;
    uint64_t idle_calls;     /* plan() calls */
    uint64_t sleeps;         /* plans with sleep_ns > 0 */
    uint64_t kicks;          /* waits that ended because of a kick */
    uint64_t poll_hits;      /* kicks that ended a wait during its poll phase */
    uint64_t sleep_ns;       /* time spent in sleep phases */
    uint64_t poll_ns;        /* time spent in poll phases */
    uint64_t spin_ns;        /* time spent in spin phases */
    uint64_t work_returns;   /* plans that returned at once because has_work */
    uint64_t late_wakes;     /* adaptive: woke after the deadline */
    uint64_t advance_ns;     /* adaptive: learned wake-up advance of the class (sleep
                                length) of the last planned sleep */
    uint64_t poll_window_ns; /* adaptive: current poll window */
    /* 0.2 */
    uint64_t stale_kicks;  /* kicks discarded by wfisleep_vcpu_trap_begin */
    uint64_t entry_kicks;  /* waits a kick ended before any phase ran (kick landed
                              after trap_begin, before the wait) */
    uint64_t preempted_ns; /* time poll/spin phases saw lost to preemption (clock gaps
                              the thread's local signal confirmed, see
                              WFISLEEP_PHASE_YIELD) */
    /* 0.3 (adaptive v3) */
    uint64_t unconfirmed_gap_ns; /* busy-loop clock gaps the local signal did not
                                    confirm (e.g. the host did not run this machine's
                                    CPU): not preemption, not in preempted_ns */
    uint32_t advance_classes;    /* adaptive: entries of class_advance_ns in use
                                    (13); 0 for the other policies */
    uint32_t reserved1;
    /* adaptive: the learned wake-up advance of each class of sleep length, ns.
     * Class c holds sleeps that start between 2^(14+c) and 2^(15+c) ns before
     * their deadline (class 0 also everything shorter, the last class
     * everything longer): about 16 us to 64 ms in octaves. Each value is the
     * one planned with: mean oversleep + WFISLEEP_ADAPTIVE_ADVANCE_DEV_PCT% of
     * its mean deviation, within the class's cap. Refreshed by the owner after
     * each wait that taught the class something; read like the other fields
     * (each entry atomically, entries possibly from different waits). */
    uint64_t class_advance_ns[WFISLEEP_ADVANCE_CLASSES];
} wfisleep_stats;

/* ---- extensible plan and outcome (0.2) ---------------------------------- */

/* Most phases a plan2 holds. */
#define WFISLEEP_MAX_PHASES 8

/* Phase kinds. Every phase ends at once on a kick, except a strict sleep.
 * wfisleep_vcpu_wait2 skips a phase of any other kind (it neither spins nor
 * blocks there, nor consumes a kick). */
#define WFISLEEP_PHASE_POLL 1  /* busy-wait for a kick (expecting one soon) */
#define WFISLEEP_PHASE_SLEEP 2 /* block until end_ns or a kick */
#define WFISLEEP_PHASE_SPIN 3  /* busy-wait until end_ns (the deadline tail) */

/* Phase flags. */
#define WFISLEEP_PHASE_STRICT                          \
    1u /* sleep only: a kick does not end it and stays \
          pending (the seed's g_usleep) */
/* Poll or spin only: once the busy loop sees that its thread lost the CPU
 * to other work (two consecutive clock reads more than
 * WFISLEEP_ADAPTIVE_PREEMPT_GAP_NS apart, 30 us by default, confirmed by the
 * thread's local signal: on Linux its run-queue delay grew by at least half
 * the gap, or, without schedstat, its involuntary context switches grew; on
 * macOS there is no such signal and the gap alone counts), it stops spinning
 * and blocks, kickable, until the phase's end_ns: a contended core gets the
 * time back. The wait reports WFISLEEP_OUTCOME_PREEMPTED either way. A gap
 * the signal does not confirm (a nested host that did not run this machine's
 * CPU) keeps the loop spinning and is not a preemption. An executor that
 * cannot tell may ignore the flag; the plan stays correct. (0.2) */
#define WFISLEEP_PHASE_YIELD 2u

/* One phase: runs from the previous phase's end (the plan's start_ns for the
 * first) to end_ns, an absolute time on the plan's clock. A sleep with end_ns
 * == WFISLEEP_FOREVER blocks until kicked and must be the last phase (the
 * library's plans saturate bounded ends at UINT64_MAX - 1). A phase
 * whose end_ns has already passed when it begins is skipped (but still
 * consumes a pending kick if kickable). */
typedef struct wfisleep_phase {
    uint32_t kind;  /* WFISLEEP_PHASE_* */
    uint32_t flags; /* WFISLEEP_PHASE_* flags */
    uint64_t end_ns;
} wfisleep_phase;

/* The decision for one idle trap. The caller sets size = sizeof(wfisleep_plan2)
 * before calling wfisleep_vcpu_plan2; fields are only ever appended. Phase end
 * times never decrease. nphases == 0: return to the guest at once. */
typedef struct wfisleep_plan2 {
    uint32_t size;     /* in: sizeof(wfisleep_plan2) of the caller */
    uint32_t nphases;  /* out: phases used, 0..WFISLEEP_MAX_PHASES */
    uint64_t start_ns; /* out: the now_ns the plan was made at */
    wfisleep_phase phase[WFISLEEP_MAX_PHASES];
} wfisleep_plan2;

/* Outcome flags. */
#define WFISLEEP_OUTCOME_KICKED 1u        /* a kick ended the wait (and was consumed) */
#define WFISLEEP_OUTCOME_KICK_AT_START 2u /* ... and was already pending when it began */
#define WFISLEEP_OUTCOME_PREEMPTED 4u     /* the waiter saw its thread preempted */
/* (PREEMPTED: a busy-loop clock gap confirmed by the thread's local signal
 * where the platform has one; see WFISLEEP_PHASE_YIELD.) */

/* How the wait for the last plan2 went, for wfisleep_vcpu_done2. The caller
 * sets size = sizeof(wfisleep_outcome) and zeroes what it does not know;
 * fields are only ever appended. wfisleep_vcpu_wait2 fills it. */
typedef struct wfisleep_outcome {
    uint32_t size;     /* sizeof(wfisleep_outcome) of the caller */
    uint32_t flags;    /* WFISLEEP_OUTCOME_* */
    uint64_t end_ns;   /* when the wait ended, on the plan's clock */
    uint32_t ended_in; /* index of the phase the wait ended in; nphases when it
                          ran them all (or none) */
    uint32_t reserved0;
    uint64_t preempted_ns; /* time lost to preemption the waiter saw; 0 = none
                              or unknown */
    /* Per phase: for a sleep phase that ran, when its block actually returned
     * (same clock); 0 = not run, not a sleep, or unknown. Lets the adaptive
     * policy measure the oversleep of every sleep. */
    uint64_t wake_ns[WFISLEEP_MAX_PHASES];
    /* 0.3 (adaptive v3). Per phase that ran: when it actually began (same
     * clock; a phase begins when the one before it ended); 0 = unknown. The
     * adaptive policy learns nothing from a sleep that began at or after its
     * own end (it never blocked). */
    uint64_t begin_ns[WFISLEEP_MAX_PHASES];
    /* 0.3 (adaptive v3). Per sleep phase that blocked: how long the thread
     * waited runnable on a run queue from just before the block to just after
     * it returned, ns (Linux: the thread's schedstat run delay); 0 = none or
     * unknown. The adaptive policy subtracts it from the sleep's lateness, so
     * run-queue delay (other work on the core) is not learned as timer
     * oversleep. */
    uint64_t run_delay_ns[WFISLEEP_MAX_PHASES];
} wfisleep_outcome;

/* ---- version (0.2) ------------------------------------------------------ */

/* MAJOR * 10000 + MINOR * 100 + PATCH of the library actually linked
 * (compare with WFISLEEP_VERSION, the headers compiled against: a 0.x
 * library serves headers of its own minor version and every earlier one
 * from 0.2 on, whose structs are prefixes of its own; the shared library's
 * SONAME stays libwfisleep.so.0.2 for them). Any thread. */
WFISLEEP_API int wfisleep_version(void);

/* ---- configuration ------------------------------------------------------ */

/* Parses a configuration. vars: NULL-terminated array of "NAME=VALUE"
 * strings, or NULL to read the process environment (on macOS through
 * _NSGetEnviron()). Only the library's own names are read: any other entry,
 * with or without '=', is skipped unlooked-at; the first entry of a name
 * wins, as with getenv. Names and accepted values are listed in README.md and
 * docs/configuration.md. An unknown WFISLEEP_* name draws a warning line,
 * unless registered with wfisleep_config_allow. HVF_WFI_SLEEP,
 * WFISLEEP_POLICY and WFISLEEP_TIMER_SLACK_NS are always checked; the
 * seed's settings only under the seed policy, WFISLEEP_ADAPTIVE_* only under
 * adaptive. On success returns 0 and *out is the config. On an invalid value
 * returns non-zero, writes a one-line message (control characters escaped)
 * naming each variable involved, its value (set or default) and what is
 * accepted to err (if err && errlen, always NUL-terminated, truncated to
 * errlen), and *out is a valid "off" config. *out is NULL only when memory
 * allocation failed (return -1). Logs the seed/adaptive announcement line via
 * the log hook. Thread-safe (reads the environment: do not setenv
 * concurrently). */
WFISLEEP_API int wfisleep_config_parse(wfisleep_config **out, const char *const *vars, char *err,
                                       size_t errlen);

/* Registers a WFISLEEP_* name the embedder owns (e.g. "WFISLEEP_STATS"), so
 * wfisleep_config_parse neither warns about it nor looks at its value.
 * Returns 0 (also when already registered); -1 when name is NULL, empty,
 * longer than 63 bytes, contains '=', names one of the library's own
 * variables, or 16 names are registered already. Process-wide and permanent;
 * thread-safe; call it before the parse that should honour it. */
WFISLEEP_API int wfisleep_config_allow(const char *name);

/* Frees a config. NULL is a no-op. Every vCPU made from it must be freed
 * first. */
WFISLEEP_API void wfisleep_config_free(wfisleep_config *cfg);

/* "off", "seed" or "adaptive". Static storage. */
WFISLEEP_API const char *wfisleep_config_policy(const wfisleep_config *cfg);

/* Writes a one-line human description of the effective settings to buf
 * (NUL-terminated, truncated). Returns the length it wanted (snprintf
 * semantics). */
WFISLEEP_API int wfisleep_config_describe(const wfisleep_config *cfg, char *buf, size_t len);

/* ---- logging ------------------------------------------------------------ */

/* Sets the process-wide log hook; fn receives one line without trailing
 * newline. NULL restores the default. Thread-safe; lines logged concurrently
 * with the switch go to either hook.
 * Contract for fn: it is called on whichever thread logs - the thread parsing
 * a config, and vCPU threads (the seed's activation line comes from inside
 * wfisleep_vcpu_plan/_idle) - possibly on several threads at once, so it must
 * be thread-safe and must not block or call back into wfisleep. line is valid
 * only during the call. ctx is passed through untouched; the library keeps
 * {fn, ctx} for the life of the process (a thread may still be calling an old
 * hook just after it was replaced), so ctx must stay valid until exit or
 * until no wfisleep call can be in progress.
 * The default hook writes the line and a newline to stderr in one write, and
 * only when stderr can take it without blocking (poll with zero timeout
 * first); otherwise the line is dropped. */
WFISLEEP_API void wfisleep_set_log(void (*fn)(void *ctx, const char *line), void *ctx);

/* ---- vCPU --------------------------------------------------------------- */

/* Creates per-vCPU state; the seed's boot grace counts from now_ns. Returns
 * NULL if cfg is NULL or allocation (or, on macOS, creating the vCPU's
 * kqueue) fails. The object belongs to one thread, its owner: only
 * wfisleep_vcpu_kick and wfisleep_vcpu_stats may be called from others. */
WFISLEEP_API wfisleep_vcpu *wfisleep_vcpu_new(const wfisleep_config *cfg, uint64_t now_ns);

/* Frees a vCPU. No kick may be in progress or follow. NULL is a no-op. */
WFISLEEP_API void wfisleep_vcpu_free(wfisleep_vcpu *vcpu);

/* Call on the owner thread as the guest traps on WFI/HLT, BEFORE sampling
 * has_work: discards kicks that landed before this point (see the protocol
 * at the top). has_work sampled after it must cover every reason the
 * embedder kicks for, or a wait may block with that reason pending; the same
 * holds for anything else read for this trap that a kicker changes before
 * kicking (e.g. deadline_ns, if a thread kicks after moving the guest timer
 * earlier): read it after this call too. Without
 * it (0.1 behaviour) a stale kick costs one wasted trap. A relaxed load, and
 * an acquire exchange only when a kick is pending: no lock, no system call. */
WFISLEEP_API void wfisleep_vcpu_trap_begin(wfisleep_vcpu *vcpu);

/* The decision for one idle trap at now_ns, without waiting. out->size must
 * be set by the caller: at least offsetof(wfisleep_plan2, phase) + room for
 * the most phases the policy plans (off 0, seed 3, adaptive 4);
 * sizeof(wfisleep_plan2) always works.
 * has_work: non-zero when the vCPU has something to do already (nphases is
 * then 0). deadline_ns: guest timer deadline on the same clock, or
 * WFISLEEP_NO_DEADLINE. Guarantees: seed: one sleep of at most the configured
 * max (strict when WFISLEEP_SEED_STRICT=1); adaptive with a deadline: the last
 * phase ends at or before deadline_ns (nphases 0 when it has passed) and no
 * planned sleep is shorter than WFISLEEP_ADAPTIVE_SLEEP_MIN_NS. Returns 0; -1 (and
 * nphases 0 where out is writable) when vcpu or out is NULL or out->size is
 * too small, checked before anything else: a refused call is not counted
 * and does not touch the policy. Call once per trap; no allocation, no lock, no system call (it
 * may call the log hook once per config for the seed's activation line).
 * Owner thread only. */
WFISLEEP_API int wfisleep_vcpu_plan2(wfisleep_vcpu *vcpu, uint64_t now_ns, int has_work,
                                     uint64_t deadline_ns, wfisleep_plan2 *out);

/* Reports how the wait for the last plan2 (or plan) went, so the adaptive
 * policy learns its wake-up advance and poll window. o->size must be set;
 * fields beyond it count as 0. A kick is counted once per wait, whichever of
 * wfisleep_vcpu_wait/_wait2 (which count it themselves) or done2 saw it.
 * A wait whose kick was pending at its start (WFISLEEP_OUTCOME_KICK_AT_START)
 * does not grow the poll window. Call at most once per plan; NULL o is a
 * no-op. Owner thread. */
WFISLEEP_API void wfisleep_vcpu_done2(wfisleep_vcpu *vcpu, const wfisleep_outcome *o);

/* Executes plan on this vCPU's kickable wait, on the library clock, and fills
 * *o (o->size set by the caller; NULL allowed). Updates the wait stats, not
 * the policy: pass *o to wfisleep_vcpu_done2 for that. Applies the configured
 * timer slack to the calling thread first (once per thread and value; it
 * stays on the thread, see wfisleep_vcpu_keep_timer_slack). Phases of an
 * unknown kind are skipped. Returns the ns spent. Owner thread. */
WFISLEEP_API uint64_t wfisleep_vcpu_wait2(wfisleep_vcpu *vcpu, const wfisleep_plan2 *plan,
                                          wfisleep_outcome *o);

/* plan2 + wait2 + done2 on the library clock. Returns ns spent in the call.
 * Owner thread. Applies the configured timer slack (WFISLEEP_TIMER_SLACK_NS)
 * to the calling thread once per thread and value, as wfisleep_vcpu_wait2. */
WFISLEEP_API uint64_t wfisleep_vcpu_idle(wfisleep_vcpu *vcpu, int has_work, uint64_t deadline_ns);

/* Ends the library wait (wait2, wait, idle) in progress, or the next one, of
 * this vCPU (unless the owner calls wfisleep_vcpu_trap_begin first). It does
 * not wake a block of the embedder's own: such an embedder wakes its thread
 * itself and reads the kick with wfisleep_vcpu_kick_pending. Any thread, any time between new and
 * free; async-signal-safe on Linux (an atomic exchange and at most one futex
 * syscall; on macOS at most one kevent). Never blocks. */
WFISLEEP_API void wfisleep_vcpu_kick(wfisleep_vcpu *vcpu);

/* 1 when a kick is pending on this vCPU (kicked and not yet consumed by a
 * library wait or discarded by wfisleep_vcpu_trap_begin), else 0 (also for
 * NULL). Does not consume it. For an embedder that waits by itself after
 * wfisleep_vcpu_plan2: wfisleep_vcpu_kick only wakes the library's own waits
 * (wait2, wait, idle), so such an embedder needs its own wake-up for its
 * block and checks this just before blocking; the kick stays pending until
 * its next trap_begin (or library wait) takes it. An acquire load: what the
 * kicker wrote before kicking is visible once this returns 1. No lock, no
 * system call. Any thread; meant for the owner. (0.3) */
WFISLEEP_API int wfisleep_vcpu_kick_pending(const wfisleep_vcpu *vcpu);

/* From now on this vCPU's waits leave the calling thread's timer slack
 * alone, whatever WFISLEEP_TIMER_SLACK_NS says (a slack applied before stays:
 * the embedder sets its own). Without it the library sets the slack at the
 * thread's first library wait, once per thread and value, and leaves it on
 * the thread for all its waits, the embedder's too; a slack the embedder
 * sets later on that thread is not overridden again. Owner thread; NULL is a
 * no-op. (0.3) */
WFISLEEP_API void wfisleep_vcpu_keep_timer_slack(wfisleep_vcpu *vcpu);

/* Copies counters into *out, filling at most out->size bytes. Any thread, also
 * while the owner runs: each field is read atomically (relaxed), so every
 * value is one the counter really had, but fields may come from slightly
 * different moments. No lock; never stalls the owner. */
WFISLEEP_API void wfisleep_vcpu_stats(const wfisleep_vcpu *vcpu, wfisleep_stats *out);

/* ---- 0.1 calls (thin wrappers over the 0.2 ones) ------------------------ */

/* plan2 folded into the 0.1 shape: poll_ns = end of the leading poll phases,
 * sleep_ns = up to the end of the last sleep phase, spin_ns = the rest.
 * Owner thread. */
WFISLEEP_API wfisleep_plan wfisleep_vcpu_plan(wfisleep_vcpu *vcpu, uint64_t now_ns, int has_work,
                                              uint64_t deadline_ns);

/* done2 with only end_ns and kicked known. Owner thread. */
WFISLEEP_API void wfisleep_vcpu_done(wfisleep_vcpu *vcpu, uint64_t end_ns, int kicked);

/* wait2 of the 0.1 plan shape (phases start at the call); *kicked (if not
 * NULL) is set to 1 when a kick ended it. Returns the ns spent. Owner
 * thread. */
WFISLEEP_API uint64_t wfisleep_vcpu_wait(wfisleep_vcpu *vcpu, const wfisleep_plan *plan,
                                         int *kicked);

/* ---- clock -------------------------------------------------------------- */

/* Library clock in ns (see top). Thread-safe, no allocation. */
WFISLEEP_API uint64_t wfisleep_now_ns(void);

/* ticks * 1e9 / freq_hz without intermediate overflow, rounded down;
 * saturates at UINT64_MAX - 1 (so a result never equals WFISLEEP_NO_DEADLINE).
 * freq_hz == 0 returns UINT64_MAX - 1. Pure. */
WFISLEEP_API uint64_t wfisleep_ticks_to_ns(uint64_t ticks, uint64_t freq_hz);

/* Guest counter deadline -> library-clock deadline, with the Arm generic
 * timer's rule (the timer fires while CNTVCT >= CVAL, both unsigned): when
 * cntvct >= cval, returns now_ns (due); otherwise now_ns + the time of
 * cval - cntvct ticks at freq_hz, saturating at UINT64_MAX - 1 (so CVAL = ~0,
 * a parked timer, is as far ahead as the clock goes, never "due"). (0.3: 0.2
 * read cval - cntvct as a signed distance.) Pure. */
WFISLEEP_API uint64_t wfisleep_counter_deadline_ns(uint64_t now_ns, uint64_t cntvct, uint64_t cval,
                                                   uint64_t freq_hz);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WFISLEEP_WFISLEEP_H */
