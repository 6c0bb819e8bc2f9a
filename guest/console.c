/* console.c - polled 16550 output on COM1 with a spinlock between vCPUs. */
#include "console.h"

#include "io.h"
#include "percpu.h"
#include "wfis_guest_abi.h"

#define LSR_THR_EMPTY 0x20

/* 0: free, else the owner's vCPU index + 1. */
static volatile uint32_t console_owner;

void console_lock(void) {
    /* No UART setup: QEMU's 16550 and our VMM both accept THR writes as
     * they are, and on our VMM every other UART register is an unknown port. */
    uint32_t me = this_cpu()->index + 1;
    /* An exception taken while this vCPU printed: print over it. */
    if (__atomic_load_n(&console_owner, __ATOMIC_RELAXED) == me) return;
    for (uint64_t spins = 0; spins < 50000000; spins++) {
        uint32_t free_ = 0;
        if (__atomic_compare_exchange_n(&console_owner, &free_, me, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return;
        cpu_relax();
    }
}

void console_unlock(void) {
    __atomic_store_n(&console_owner, 0, __ATOMIC_RELEASE);
}

static void putc_raw(char c) {
    /* Bounded: a UART that never reports THR empty must not hang the run. */
    for (int i = 0; i < 100000; i++)
        if (inb(WFIS_PORT_COM1 + 5) & LSR_THR_EMPTY) break;
    outb(WFIS_PORT_COM1, (uint8_t)c);
}

void console_puts(const char *s) {
    while (*s) putc_raw(*s++);
    putc_raw('\n');
}

void console_line(const char *s) {
    console_lock();
    console_puts(s);
    console_unlock();
}
