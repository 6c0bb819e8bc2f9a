/* layout.h - guest memory layout constants shared by assembly and C. */
#ifndef WFIS_GUEST_LAYOUT_H
#define WFIS_GUEST_LAYOUT_H

/* Highest number of vCPUs the guest has stacks and state for. */
#define GUEST_MAX_CPUS 64
/* Each vCPU runs, and takes its interrupts, on one 16 KiB stack; the index
 * of the running vCPU is recovered from the stack pointer. */
#define GUEST_STACK_SHIFT 14
#define GUEST_STACK_SIZE (1 << GUEST_STACK_SHIFT)

/* GDT selectors (see entry32.S). */
#define GUEST_SEL_CODE64 0x08
#define GUEST_SEL_DATA 0x10
#define GUEST_SEL_CODE32 0x18

/* Where vCPU 0 copies the real-mode start-up code for INIT/SIPI (QEMU
 * only): a page below 1 MiB that QEMU's multiboot loader leaves free (its
 * info block is at 0x9000). SIPI vector = address >> 12. */
#define GUEST_AP_TRAMPOLINE 0x8000

#endif
