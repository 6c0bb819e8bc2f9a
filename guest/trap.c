/* trap.c - routes vectors to the timer and device handlers; reports exceptions and fails. */
#include "trap.h"

#include "console.h"
#include "guest.h"
#include "io.h"
#include "percpu.h"
#include "strutil.h"
#include "timer.h"
#include "workload.h"

static void fault(struct percpu *c, const struct trap_frame *f) {
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    char buf[201];
    struct line l;
    line_init(&l, buf, sizeof buf);
    line_str(&l, "WFIS FAULT cpu=");
    line_u64(&l, c->index);
    line_str(&l, " vector=");
    line_u64(&l, f->vector);
    line_str(&l, " error=");
    line_hex(&l, f->error);
    line_str(&l, " rip=");
    line_hex(&l, f->rip);
    line_str(&l, " cr2=");
    line_hex(&l, cr2);
    console_line(buf);
    guest_fail();
}

void trap_dispatch(struct trap_frame *f) {
    uint64_t now = rdtsc();
    struct percpu *c = this_cpu();
    uint64_t v = f->vector;
    if (v < 32 && v != 2) {
        fault(c, f);
        return;
    }
    switch (v) {
        case WFIS_VEC_TIMER:
            timer_interrupt(c, now);
            timer_eoi();
            break;
        case WFIS_VEC_DEVICE:
            workload_on_device(c);
            timer_eoi();
            break;
        case WFIS_VEC_SPURIOUS:
            c->spurious++;
            break; /* LAPIC spurious: no EOI */
        default:
            /* NMI or a vector nobody should send; an EOI with nothing in
             * service is ignored, so it is safe either way. */
            c->spurious++;
            if (v != 2) timer_eoi();
            break;
    }
}
