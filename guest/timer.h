/* timer.h - the per-vCPU one-shot timer behind one interface: pv, TSC-deadline or LAPIC one-shot.
 */
#ifndef WFIS_GUEST_TIMER_H
#define WFIS_GUEST_TIMER_H

#include <stdint.h>

#include "hist.h"
#include "io.h"
#include "lapic.h"
#include "percpu.h"
#include "workload.h"

enum timer_kind { TIMER_PV, TIMER_TSC_DEADLINE, TIMER_LAPIC_ONESHOT };

/* Chosen by vCPU 0 before the others start their runs. */
extern enum timer_kind guest_timer_kind;

const char *timer_kind_name(enum timer_kind k);

/* Puts this vCPU's timer hardware in the chosen mode, disarmed. */
void timer_cpu_init(void);

/* Stops the timer; no interrupt is expected afterwards. */
void timer_disarm(struct percpu *c);

/* An interrupt more than this before the deadline is early (a clamped
 * one-shot count, or a host firing too soon): it is re-armed and counted as
 * spurious, so timer_irqs + spurious is every timer interrupt taken. */
#define TIMER_EARLY_SLACK_US 20
extern uint64_t guest_timer_early_slack; /* in TSC cycles */

/* The rest is inline: the timer interrupt handler must call nothing (an
 * interrupt function that calls out saves every call-clobbered register,
 * and on this machine's KVM each guest instruction costs about 1 us). */

static inline void timer_program(uint64_t deadline) {
    switch (guest_timer_kind) {
        case TIMER_PV:
            outl(WFIS_PORT_TIMER_LO, (uint32_t)deadline);
            outl(WFIS_PORT_TIMER_HI, (uint32_t)(deadline >> 32));
            break;
        case TIMER_TSC_DEADLINE:
            lapic_tsc_deadline_arm(deadline);
            break;
        case TIMER_LAPIC_ONESHOT:
            lapic_oneshot_arm(deadline, rdtsc());
            break;
    }
}

/* Programs the absolute TSC deadline (> 0) and counts timer_armed. */
static inline void timer_set(struct percpu *c, uint64_t deadline) {
    c->armed_deadline = deadline;
    c->timer_armed++;
    timer_program(deadline);
}

/* Arms the earlier of the workload's next event and the end of the run;
 * nothing once the run has ended. */
static inline void timer_rearm(struct percpu *c, uint64_t now) {
    if (now >= c->end_tsc) return;
    uint64_t dl = c->next_event < c->end_tsc ? c->next_event : c->end_tsc;
    timer_set(c, dl);
}

/* Handles WFIS_VEC_TIMER at TSC `now` (interrupts off). */
static inline void timer_interrupt(struct percpu *c, uint64_t now) {
    if (c->timer_probe) {
        __atomic_store_n(&c->timer_probe, 0, __ATOMIC_RELEASE);
        return;
    }
    uint64_t dl = c->armed_deadline;
    if (!dl) {
        c->spurious++;
        return;
    }
    if (now + guest_timer_early_slack < dl) {
        c->spurious++;
        timer_set(c, dl);
        return;
    }
    c->armed_deadline = 0;
    c->timer_irqs++;
    hist_record(c, tsc_lateness_ns(now, dl));
    workload_on_timer(c, now);
    timer_rearm(c, rdtsc());
}

/* End of interrupt for LAPIC-delivered vectors; nothing for pv. */
static inline void timer_eoi(void) {
    if (guest_timer_kind != TIMER_PV) lapic_eoi();
}

#endif
