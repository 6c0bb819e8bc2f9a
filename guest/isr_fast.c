/* isr_fast.c - the two hot vectors (timer, device) as compiler-generated interrupt functions. */
#include "isr_fast.h"

#include "io.h"
#include "percpu.h"
#include "timer.h"
#include "workload.h"

/* Everything these call is inline, so the compiler saves only the registers
 * they use: about half the instructions of the generic stub path, which
 * matters because every guest instruction costs host CPU on this machine's
 * KVM. No SSE anywhere (-mgeneral-regs-only), as interrupt functions need. */

__attribute__((interrupt)) void isr_timer(struct interrupt_frame *frame) {
    (void)frame;
    uint64_t now = rdtsc(); /* first: this is the lateness measurement */
    timer_interrupt(this_cpu(), now);
    timer_eoi();
}

__attribute__((interrupt)) void isr_device(struct interrupt_frame *frame) {
    (void)frame;
    workload_on_device(this_cpu());
    timer_eoi();
}
