/* lapic.h - the local APIC: xAPIC MMIO, TSC-deadline and one-shot timer. */
#ifndef WFIS_GUEST_LAPIC_H
#define WFIS_GUEST_LAPIC_H

#include <stdint.h>

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
void lapic_tsc_deadline_arm(uint64_t deadline); /* 0 disarms */
void lapic_oneshot_mode(void);
void lapic_oneshot_arm(uint64_t deadline, uint64_t now); /* 0 disarms */
void lapic_mask_timer(void);

/* INIT, then two start-up IPIs with vector `page` (address >> 12), to all
 * other processors, with the customary 10 ms and 200 us pauses. */
void lapic_start_others(uint32_t page);
void lapic_eoi(void);

#endif
