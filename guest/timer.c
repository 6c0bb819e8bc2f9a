/* timer.c - arms, disarms and handles the per-vCPU timer in whichever mode was chosen. */
#include "timer.h"

#include "hist.h"
#include "io.h"
#include "lapic.h"
#include "tsc.h"
#include "workload.h"

enum timer_kind guest_timer_kind;

/* An interrupt more than this before the deadline is early (a clamped
 * one-shot count, or a host firing too soon): it is re-armed and counted as
 * spurious, so timer_irqs + spurious is every timer interrupt taken. */
#define EARLY_SLACK_US 20
static uint64_t early_slack; /* in TSC cycles; same value from every vCPU */

const char *timer_kind_name(enum timer_kind k) {
    switch (k) {
        case TIMER_PV:
            return "pv";
        case TIMER_TSC_DEADLINE:
            return "tsc-deadline";
        case TIMER_LAPIC_ONESHOT:
            return "lapic-oneshot";
    }
    return "?";
}

static void program(uint64_t deadline) {
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

void timer_cpu_init(void) {
    switch (guest_timer_kind) {
        case TIMER_PV:
            program(0);
            break;
        case TIMER_TSC_DEADLINE:
            lapic_tsc_deadline_mode();
            break;
        case TIMER_LAPIC_ONESHOT:
            lapic_oneshot_mode();
            break;
    }
}

void timer_set(struct percpu *c, uint64_t deadline) {
    c->armed_deadline = deadline;
    c->timer_armed++;
    program(deadline);
}

void timer_rearm(struct percpu *c, uint64_t now) {
    if (now >= c->end_tsc) return;
    uint64_t dl = c->next_event < c->end_tsc ? c->next_event : c->end_tsc;
    timer_set(c, dl);
}

void timer_disarm(struct percpu *c) {
    c->armed_deadline = 0;
    program(0);
    if (guest_timer_kind != TIMER_PV) lapic_mask_timer();
}

void timer_interrupt(struct percpu *c, uint64_t now) {
    if (c->timer_probe) {
        __atomic_store_n(&c->timer_probe, 0, __ATOMIC_RELEASE);
        return;
    }
    uint64_t dl = c->armed_deadline;
    if (!dl) {
        c->spurious++;
        return;
    }
    if (now + early_slack < dl) {
        c->spurious++;
        timer_set(c, dl);
        return;
    }
    c->armed_deadline = 0;
    c->timer_irqs++;
    hist_record(c, now > dl ? tsc_to_ns(now - dl) : 0);
    workload_on_timer(c, now);
    timer_rearm(c, rdtsc());
}

void timer_eoi(void) {
    if (guest_timer_kind != TIMER_PV) lapic_eoi();
}
