/* timer.h - the per-vCPU one-shot timer behind one interface: pv, TSC-deadline or LAPIC one-shot.
 */
#ifndef WFIS_GUEST_TIMER_H
#define WFIS_GUEST_TIMER_H

#include <stdint.h>

#include "percpu.h"

enum timer_kind { TIMER_PV, TIMER_TSC_DEADLINE, TIMER_LAPIC_ONESHOT };

/* Chosen by vCPU 0 before the others start their runs. */
extern enum timer_kind guest_timer_kind;

const char *timer_kind_name(enum timer_kind k);

/* Puts this vCPU's timer hardware in the chosen mode, disarmed. */
void timer_cpu_init(void);

/* Programs the absolute TSC deadline (> 0) and counts timer_armed. */
void timer_set(struct percpu *c, uint64_t deadline);

/* Arms the earlier of the workload's next event and the end of the run;
 * nothing once the run has ended. */
void timer_rearm(struct percpu *c, uint64_t now);

/* Stops the timer; no interrupt is expected afterwards. */
void timer_disarm(struct percpu *c);

/* Handles WFIS_VEC_TIMER at TSC `now` (interrupts off). */
void timer_interrupt(struct percpu *c, uint64_t now);

/* End of interrupt for LAPIC-delivered vectors; nothing for pv. */
void timer_eoi(void);

#endif
