/* workload.h - the five guest workloads: what each vCPU does between boot and report. */
#ifndef WFIS_GUEST_WORKLOAD_H
#define WFIS_GUEST_WORKLOAD_H

#include <stdint.h>

#include "config.h"
#include "percpu.h"

/* Runs this vCPU's share of the workload until its TSC passes the end of
 * the run, then disarms the timer. Returns with interrupts off. */
void workload_run(struct percpu *c, const struct guest_config *cfg);

/* Timer handler hook: advances c->next_event after a timer interrupt. */
void workload_on_timer(struct percpu *c, uint64_t now);

/* Device interrupt handler (WFIS_VEC_DEVICE). */
void workload_on_device(struct percpu *c);

#endif
