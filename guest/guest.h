/* guest.h - run-level entry and exit of the guest. */
#ifndef WFIS_GUEST_GUEST_H
#define WFIS_GUEST_GUEST_H

#include <stdint.h>

/* Called by entry32.S on every vCPU, on its own stack, interrupts off. */
void guest_main(uint32_t magic, uint32_t mbi, uint32_t cpu) __attribute__((noreturn));

/* Prints "WFIS END status=fail" and exits with WFIS_EXIT_FAIL. */
void guest_fail(void) __attribute__((noreturn));

/* Writes v to WFIS_PORT_EXIT; halts forever if the host does not stop. */
void guest_exit(uint32_t v) __attribute__((noreturn));

#endif
