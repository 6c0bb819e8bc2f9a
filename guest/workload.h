/* workload.h - the five guest workloads: what each vCPU does between boot and report. */
#ifndef WFIS_GUEST_WORKLOAD_H
#define WFIS_GUEST_WORKLOAD_H

#include <stdint.h>

#include "config.h"
#include "io.h"
#include "percpu.h"
#include "ring.h"
#include "rng.h"
#include "tsc.h"

/* Runs this vCPU's share of the workload until its TSC passes the end of
 * the run, then disarms the timer. Returns with interrupts off. */
void workload_run(struct percpu *c, const struct guest_config *cfg);

/* tickless: mean interval in TSC cycles. */
extern uint64_t guest_mean_cycles;

/* The hooks are inline: interrupt handlers must call nothing. */

/* Timer handler hook: advances c->next_event after a timer interrupt. */
static inline void workload_on_timer(struct percpu *c, uint64_t now) {
    if (now < c->next_event) return; /* the end-of-run timer */
    if (c->tick_period) {
        /* Periodic tick (idle, compute's idle vCPUs, pingpong with a tick) on
         * a fixed grid; ticks missed by a late interrupt are skipped, not
         * replayed, but each enters the exact samples late by now minus its
         * own grid time (the ABI's missed ticks). Bounded by the run: grid
         * points up to its end count (the end itself is one when the
         * end-of-run timer will not fire: a late interrupt past the end arms
         * nothing more). */
        uint64_t p = c->tick_period;
        uint64_t next = c->next_event + p;
        while (next <= now && next <= c->end_tsc) {
            c->missed++;
            if (c->ring) c->ring->missed++;
            ring_record(c, (int64_t)tsc_to_ns(now - next));
            next += p;
        }
        if (next <= now) next += (now - next) / p * p + p;
        c->next_event = next;
    } else if (c->run_kind == WL_TICKLESS) {
        c->next_event = now + rng_exponential(&c->rng, guest_mean_cycles);
    } else {
        c->next_event = UINT64_MAX;
    }
}

/* Device interrupt handler (WFIS_VEC_DEVICE). */
static inline void workload_on_device(struct percpu *c) {
    uint32_t seq = inl(WFIS_PORT_DEV_SEQ);
    c->dev_irqs++;
    /* pingpong acknowledges the request; burst answers it (the host's think
     * time then starts). Either way the newest sequence number is echoed. */
    if (c->run_kind == WL_BURST)
        outl(WFIS_PORT_DEV_DONE, seq);
    else
        outl(WFIS_PORT_DEV_ACK, seq);
    c->dev_acks++;
}

#endif
