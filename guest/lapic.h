/* lapic.h - the local APIC: xAPIC MMIO, TSC-deadline and one-shot timer. */
#ifndef WFIS_GUEST_LAPIC_H
#define WFIS_GUEST_LAPIC_H

#include <stdint.h>

#include "io.h"
#include "tsc.h"

/* Finds the LAPIC (MSR 0x1B) and checks it lies in the identity map.
 * Returns 0 on success, else a static error text. vCPU 0, once. */
const char *lapic_global_init(void);

/* Enables this vCPU's LAPIC (software enable, spurious vector 0xFF, TPR 0,
 * timer masked, divide by 1). Every vCPU, interrupts off. */
void lapic_cpu_init(void);

/* CPUID.1:ECX[24]. */
int lapic_cpuid_has_tsc_deadline(void);

/* Arms a TSC-deadline 50 us ahead with interrupts off and watches the IRR:
 * returns 1 if the interrupt became pending within 20 ms (the pending
 * interrupt is then taken and dropped), 0 otherwise (timer left disarmed).
 * Needs the IDT loaded and guest_tsc_khz set. */
int lapic_probe_tsc_deadline(void);

/* Measures the one-shot timer rate against the TSC. Returns 0 on success,
 * else a static error text. Needs guest_tsc_khz. vCPU 0, once. */
const char *lapic_calibrate_oneshot(void);

void lapic_tsc_deadline_mode(void);
void lapic_oneshot_mode(void);
void lapic_mask_timer(void);

/* INIT, then two start-up IPIs with vector `page` (address >> 12), to all
 * other processors, with the customary 10 ms and 200 us pauses. */
void lapic_start_others(uint32_t page);

/* Inline: used by the timer interrupt handler, which must call nothing. */
extern uintptr_t lapic_base;
extern uint64_t lapic_khz; /* one-shot count rate at divide-by-1 */

#define LAPIC_REG_EOI 0x0B0
#define LAPIC_REG_TIMER_INIT 0x380

static inline void lapic_write(uint32_t reg, uint32_t v) {
    *(volatile uint32_t *)(lapic_base + reg) = v;
}

static inline void lapic_eoi(void) {
    lapic_write(LAPIC_REG_EOI, 0);
}

/* 0 disarms. */
static inline void lapic_tsc_deadline_arm(uint64_t deadline) {
    wrmsr(0x6E0, deadline);
}

/* 0 disarms. */
static inline void lapic_oneshot_arm(uint64_t deadline, uint64_t now) {
    if (!deadline) {
        lapic_write(LAPIC_REG_TIMER_INIT, 0);
        return;
    }
    uint64_t delta = deadline > now ? deadline - now : 0;
    if (delta > (1ull << 40)) delta = 1ull << 40; /* the handler re-arms when woken early */
    /* Round up so the interrupt does not come before the deadline. */
    uint64_t count = (delta * lapic_khz + guest_tsc_khz - 1) / guest_tsc_khz;
    if (count == 0) count = 1;
    if (count > 0xFFFFFFFFu) count = 0xFFFFFFFFu;
    lapic_write(LAPIC_REG_TIMER_INIT, (uint32_t)count);
}

#endif
