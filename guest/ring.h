/* ring.h - the per-vCPU exact lateness samples in guest RAM (abi/wfis_guest_abi.h, "Sample ring").
 */
#ifndef WFIS_GUEST_RING_H
#define WFIS_GUEST_RING_H

#include <stdint.h>

#include "percpu.h"
#include "wfis_guest_abi.h"

/* Resets this vCPU's ring before its workload (header first, magic last, so
 * a host never sees a valid magic over stale counts). */
static inline void ring_init(struct percpu *c) {
    c->ring = 0;
    if (c->index >= WFIS_RING_MAX_CPUS) return;
    struct wfis_ring *r =
        (struct wfis_ring *)(uintptr_t)(WFIS_RING_GPA + (uint64_t)c->index * WFIS_RING_STRIDE);
    r->magic = 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    r->capacity = WFIS_RING_CAPACITY;
    r->stored = 0;
    r->dropped = 0;
    r->missed = 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    r->magic = WFIS_RING_MAGIC_SIGNED;
    c->ring = r;
}

/* Stores one signed sample (ns, negative: early) or counts it as dropped;
 * inline, for the timer handler. */
static inline void ring_record(struct percpu *c, int64_t late_ns) {
    struct wfis_ring *r = c->ring;
    if (!r) {
        c->dropped++;
        return;
    }
    if (r->stored < WFIS_RING_CAPACITY) {
        int32_t *samples = (int32_t *)(r + 1);
        samples[r->stored] = late_ns > INT32_MAX   ? INT32_MAX
                             : late_ns < INT32_MIN ? INT32_MIN
                                                   : (int32_t)late_ns;
        r->stored++;
    } else {
        r->dropped++;
        c->dropped++;
    }
}

#endif
