/* wfisleep.h - C ABI of wfisleep: how a vCPU thread waits after a guest WFI/HLT.
 *
 * Valid C11 and C++. All functions are noexcept: errors are return values.
 *
 * Model. A VMM creates one immutable config (wfisleep_config_parse) and one
 * wfisleep_vcpu per vCPU thread. Each time the guest traps on WFI/HLT the
 * vCPU thread calls either
 *   - wfisleep_vcpu_idle(): plan + wait + learn in one call, or
 *   - wfisleep_vcpu_plan(), waits by itself, then wfisleep_vcpu_done().
 * Any other thread that makes an interrupt pending for the vCPU calls
 * wfisleep_vcpu_kick(), which ends the wait in progress or the next one.
 *
 * Clock. Every *_ns time is nanoseconds on the library clock
 * (wfisleep_now_ns: CLOCK_MONOTONIC on Linux, mach_absolute_time on macOS),
 * unless the embedder consistently passes its own monotonic clock to the
 * plan/done pair.
 *
 * Wait/kick protocol (per vCPU, one 32-bit word, values IDLE/WAITING/KICKED):
 *   kick:  old = exchange(word, KICKED); if old == WAITING, wake the futex.
 *   wait:  each kickable phase first consumes a pending kick:
 *          poll/spin phases: load word until KICKED (then exchange(word, IDLE),
 *          consuming it) or time is up.
 *          sleep phase: CAS IDLE->WAITING (failing only if KICKED: consume it);
 *          futex-wait while word == WAITING (with timeout); afterwards
 *          exchange(word, IDLE): KICKED means kicked.
 *          A plan with no phase at all leaves a pending kick for the next wait.
 * A kick is never lost: it stays in the word until a wait consumes it, so a
 * kick that lands after the caller computed has_work, or during any phase,
 * ends that wait; a stale kick costs at most one early return.
 * Memory ordering: kick's exchange is release, wait's exchange is acquire, so
 * what the kicker wrote before kicking (e.g. the pending interrupt) is visible
 * to the vCPU thread once its wait returns "kicked".
 */
#ifndef WFISLEEP_WFISLEEP_H
#define WFISLEEP_WFISLEEP_H

#include <stddef.h>
#include <stdint.h>

#define WFISLEEP_VERSION_MAJOR 0
#define WFISLEEP_VERSION_MINOR 1
#define WFISLEEP_VERSION_PATCH 0

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

/* Per-vCPU counters. The caller sets size = sizeof(wfisleep_stats); the
 * library fills at most size bytes, so old callers keep working when fields
 * are appended. Fields only ever get appended. */
typedef struct wfisleep_stats {
    uint32_t size;
    uint32_t reserved0;
    uint64_t idle_calls;   /* plan() calls */
    uint64_t sleeps;       /* plans with sleep_ns > 0 */
    uint64_t kicks;        /* waits that ended because of a kick */
    uint64_t poll_hits;    /* kicks that ended a wait during its poll phase */
    uint64_t sleep_ns;     /* time spent in sleep phases */
    uint64_t poll_ns;      /* time spent in poll phases */
    uint64_t spin_ns;      /* time spent in spin phases */
    uint64_t work_returns; /* plans that returned at once because has_work */
    uint64_t late_wakes;   /* adaptive: woke after the deadline */
    uint64_t advance_ns;   /* adaptive: current learned wake-up advance */
    uint64_t poll_window_ns; /* adaptive: current poll window */
} wfisleep_stats;

/* ---- configuration ------------------------------------------------------ */

/* Parses a configuration. vars: NULL-terminated array of "NAME=VALUE"
 * strings, or NULL to read the process environment (scanned for
 * HVF_WFI_SLEEP and names starting with WFISLEEP_). Names and accepted values are listed in README.md.
 * On success returns 0 and *out is the config. On any invalid entry returns
 * non-zero, writes a one-line message naming the variable, the value and what
 * is accepted to err (if err && errlen, always NUL-terminated, truncated to
 * errlen), and *out is a valid "off" config. *out is NULL only when memory
 * allocation failed (return -1). Logs the seed/adaptive announcement line via
 * the log hook. Thread-safe (reads the environment: do not setenv
 * concurrently). */
WFISLEEP_API int wfisleep_config_parse(wfisleep_config **out, const char *const *vars,
                                       char *err, size_t errlen);

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
 * newline. NULL restores the default (stderr, newline appended). Thread-safe;
 * lines logged concurrently with the switch go to either hook. */
WFISLEEP_API void wfisleep_set_log(void (*fn)(void *ctx, const char *line), void *ctx);

/* ---- vCPU --------------------------------------------------------------- */

/* Creates per-vCPU state; the seed's boot grace counts from now_ns. Returns
 * NULL if cfg is NULL or allocation fails. The object belongs to one thread:
 * only wfisleep_vcpu_kick may be called from others. */
WFISLEEP_API wfisleep_vcpu *wfisleep_vcpu_new(const wfisleep_config *cfg, uint64_t now_ns);

/* Frees a vCPU. No kick may be in progress or follow. NULL is a no-op. */
WFISLEEP_API void wfisleep_vcpu_free(wfisleep_vcpu *vcpu);

/* The decision for one idle trap at now_ns, without waiting. has_work:
 * non-zero when an interrupt is already pending (the plan is then all zero).
 * deadline_ns: guest timer deadline on the same clock, or
 * WFISLEEP_NO_DEADLINE. Guarantees: seed: sleep_ns <= the configured max;
 * adaptive with a deadline: poll_ns + sleep_ns + spin_ns <= deadline_ns -
 * now_ns (all zero when the deadline has passed). Call once per trap; no
 * allocation, no lock, no system call (it may call the log hook once per
 * config for the seed's activation line). Owner thread only. */
WFISLEEP_API wfisleep_plan wfisleep_vcpu_plan(wfisleep_vcpu *vcpu, uint64_t now_ns, int has_work,
                                              uint64_t deadline_ns);

/* Reports how the wait for the last plan ended: end_ns on the plan's clock,
 * kicked non-zero if a kick ended it. Lets the adaptive policy learn its
 * wake-up advance and poll window. Call at most once per plan. Owner thread. */
WFISLEEP_API void wfisleep_vcpu_done(wfisleep_vcpu *vcpu, uint64_t end_ns, int kicked);

/* Executes a plan on this vCPU's kickable wait (for embedders that compute
 * their own plan, e.g. models of other hypervisors). Returns the ns spent;
 * *kicked (if not NULL) is set to 1 when a kick ended it. Updates the wait
 * stats, not the policy. Owner thread. */
WFISLEEP_API uint64_t wfisleep_vcpu_wait(wfisleep_vcpu *vcpu, const wfisleep_plan *plan,
                                         int *kicked);

/* plan + wait + done on the library clock. Returns ns spent in the call.
 * Owner thread. Lowers the calling thread's timer slack once (adaptive). */
WFISLEEP_API uint64_t wfisleep_vcpu_idle(wfisleep_vcpu *vcpu, int has_work, uint64_t deadline_ns);

/* Ends the wait in progress, or the next wait, of this vCPU. Any thread, any
 * time between new and free; async-signal-safe on Linux (an atomic exchange
 * and at most one futex syscall). Never blocks. */
WFISLEEP_API void wfisleep_vcpu_kick(wfisleep_vcpu *vcpu);

/* Copies counters into *out, filling at most out->size bytes. Owner thread,
 * or any thread after the owner stopped using the vCPU. */
WFISLEEP_API void wfisleep_vcpu_stats(const wfisleep_vcpu *vcpu, wfisleep_stats *out);

/* ---- clock -------------------------------------------------------------- */

/* Library clock in ns (see top). Thread-safe, no allocation. */
WFISLEEP_API uint64_t wfisleep_now_ns(void);

/* ticks * 1e9 / freq_hz without intermediate overflow, rounded down;
 * saturates at UINT64_MAX - 1 (so a result never equals WFISLEEP_NO_DEADLINE).
 * freq_hz == 0 returns UINT64_MAX - 1. Pure. */
WFISLEEP_API uint64_t wfisleep_ticks_to_ns(uint64_t ticks, uint64_t freq_hz);

/* Guest counter deadline -> library-clock deadline: now_ns + time from cntvct
 * to cval at freq_hz, computed with the wrap-safe difference (cval - cntvct)
 * interpreted as signed: a deadline in the past (difference negative) returns
 * now_ns; a sum that would overflow saturates at UINT64_MAX - 1. Pure. */
WFISLEEP_API uint64_t wfisleep_counter_deadline_ns(uint64_t now_ns, uint64_t cntvct, uint64_t cval,
                                                   uint64_t freq_hz);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WFISLEEP_WFISLEEP_H */
