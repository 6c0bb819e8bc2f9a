/* isr_fast.h - entry points of the hot interrupt handlers (WFIS_VEC_TIMER, WFIS_VEC_DEVICE). */
#ifndef WFIS_GUEST_ISR_FAST_H
#define WFIS_GUEST_ISR_FAST_H

struct interrupt_frame;

/* Installed directly in the IDT (idt.c); never called from C. */
void isr_timer(struct interrupt_frame *frame);
void isr_device(struct interrupt_frame *frame);

#endif
