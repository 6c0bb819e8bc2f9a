/* tsc.h - TSC frequency (given by the host or calibrated) and conversions. */
#ifndef WFIS_GUEST_TSC_H
#define WFIS_GUEST_TSC_H

#include <stdint.h>

/* TSC frequency in kHz, set once by vCPU 0 (tsc_set_khz) before the others
 * read it. */
extern uint32_t guest_tsc_khz;

/* Sets guest_tsc_khz (1000..100000000) and the conversion factors. */
void tsc_set_khz(uint32_t khz);

/* Measures the TSC against PIT channel 2 (20 ms windows, the one with the
 * tightest TSC brackets kept). Returns kHz, or 0 when the PIT does not
 * answer. Only for hosts that have a PIT (QEMU); vCPU 0 only. */
uint32_t tsc_calibrate_pit(void);

/* ns per TSC cycle in Q32, set by tsc_set_khz. */
extern uint64_t tsc_ns_per_cycle_q32;

/* Inline: used by the timer interrupt handler, which must call nothing. */
static inline uint64_t tsc_to_ns(uint64_t cycles) {
    if ((cycles >> 32) == 0 && (tsc_ns_per_cycle_q32 >> 32) == 0)
        return (cycles * tsc_ns_per_cycle_q32) >> 32;
    uint64_t khz = guest_tsc_khz;
    return cycles / khz * 1000000u + cycles % khz * 1000000u / khz;
}
/* now - deadline in ns, negative when the interrupt came before its
 * deadline (an early interrupt is recorded as early, not as on time). */
static inline int64_t tsc_lateness_ns(uint64_t now, uint64_t deadline) {
    return now >= deadline ? (int64_t)tsc_to_ns(now - deadline)
                           : -(int64_t)tsc_to_ns(deadline - now);
}
uint64_t tsc_from_us(uint64_t us);
uint64_t tsc_to_ms(uint64_t cycles);

#endif
