/* percpu.h - per-vCPU state, indexed by the vCPU index, found from the stack. */
#ifndef WFIS_GUEST_PERCPU_H
#define WFIS_GUEST_PERCPU_H

#include <stdint.h>

#include "layout.h"
#include "wfis_guest_abi.h"

struct percpu {
    uint32_t index;
    /* Counters reported in the WFIS CPU line. */
    uint64_t timer_irqs, timer_armed, dev_irqs, dev_acks, work_units, halts, spurious;
    /* Timer state, touched only by this vCPU (main loop and its handlers). */
    uint64_t armed_deadline; /* TSC deadline currently programmed, 0: none */
    uint64_t next_event;     /* workload's next timer event, UINT64_MAX: none */
    uint64_t start_tsc, end_tsc;
    uint64_t rng;
    uint32_t run_kind;    /* enum workload this vCPU runs */
    uint64_t tick_period; /* TSC cycles per periodic tick; 0: no tick */
    int timer_probe;      /* a TSC-deadline probe interrupt is expected */
    uint32_t hist[WFIS_HIST_BUCKETS];
    /* Exact samples (ring.h); missed ticks and samples the ring dropped. */
    struct wfis_ring *ring;
    uint64_t missed, dropped;
} __attribute__((aligned(64)));

extern struct percpu guest_percpu[GUEST_MAX_CPUS];
extern char guest_stacks[];

/* The running vCPU's state: every vCPU runs on its own boot stack. */
static inline struct percpu *this_cpu(void) {
    uintptr_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    uintptr_t idx = (sp - (uintptr_t)guest_stacks) >> GUEST_STACK_SHIFT;
    return &guest_percpu[idx];
}

#endif
