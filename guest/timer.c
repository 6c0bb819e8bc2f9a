/* timer.c - arms, disarms and handles the per-vCPU timer in whichever mode was chosen. */
#include "timer.h"

#include "hist.h"
#include "io.h"
#include "lapic.h"
#include "tsc.h"
#include "workload.h"

enum timer_kind guest_timer_kind;

uint64_t guest_timer_early_slack;

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

void timer_cpu_init(void) {
    switch (guest_timer_kind) {
        case TIMER_PV:
            timer_program(0);
            break;
        case TIMER_TSC_DEADLINE:
            lapic_tsc_deadline_mode();
            break;
        case TIMER_LAPIC_ONESHOT:
            lapic_oneshot_mode();
            break;
    }
}

void timer_disarm(struct percpu *c) {
    c->armed_deadline = 0;
    timer_program(0);
    if (guest_timer_kind != TIMER_PV) lapic_mask_timer();
}
