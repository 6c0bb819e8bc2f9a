/* trap.h - the IDT and the common interrupt/exception dispatcher. */
#ifndef WFIS_GUEST_TRAP_H
#define WFIS_GUEST_TRAP_H

#include <stdint.h>

/* Saved state as laid out by isr_stubs.S. */
struct trap_frame {
    uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Fills the shared IDT (every vCPU writes the same values, so concurrent
 * callers agree) and loads it on this vCPU. */
void idt_load(void);

void trap_dispatch(struct trap_frame *f);

#endif
