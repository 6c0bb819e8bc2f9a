/* console.c - polled 16550 output on COM1 with a spinlock between vCPUs. */
#include "console.h"

#include "io.h"
#include "wfis_guest_abi.h"

#define LSR_THR_EMPTY 0x20

static volatile uint32_t console_busy;

void console_lock(void) {
    /* No UART setup: QEMU's 16550 and our VMM both accept THR writes as
     * they are, and on our VMM every other UART register is an unknown port. */
    for (uint64_t spins = 0; spins < 50000000; spins++) {
        if (__atomic_exchange_n(&console_busy, 1, __ATOMIC_ACQUIRE) == 0) return;
        cpu_relax();
    }
}

void console_unlock(void) {
    __atomic_store_n(&console_busy, 0, __ATOMIC_RELEASE);
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
