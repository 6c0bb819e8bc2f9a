/* tsc.c - TSC calibration against PIT channel 2 and unit conversions. */
#include "tsc.h"

#include "calib.h"
#include "io.h"

uint32_t guest_tsc_khz;
/* The interrupt path converts with one multiply. */
uint64_t tsc_ns_per_cycle_q32;

void tsc_set_khz(uint32_t khz) {
    guest_tsc_khz = khz;
    tsc_ns_per_cycle_q32 = (1000000ull << 32) / khz;
}

#define PIT_HZ 1193182u
#define PIT_WINDOW_COUNT 23864u /* 20 ms */

/* One 20 ms window of PIT channel 2 in mode 0. Each PIT access is a VM exit
 * that the host may stretch (or preempt us in), so both edges are bracketed
 * by TSC reads: the window is measured between the bracket midpoints and
 * *slop is the total bracket width (the error bound). Returns 0 when the PIT
 * does not answer: a missing PIT reads 0xff (OUT2 high at once) or never
 * rises. */
static int pit_window(uint64_t *cycles, uint64_t *slop) {
    uint8_t p61 = inb(0x61);
    outb(0x61, (uint8_t)((p61 & ~0x02) | 0x01)); /* gate 2 on, speaker off */
    outb(0x43, 0xB0);                            /* channel 2, lo/hi, mode 0 */
    outb(0x42, PIT_WINDOW_COUNT & 0xff);
    uint64_t a = rdtsc();
    outb(0x42, PIT_WINDOW_COUNT >> 8); /* counting starts with this byte */
    uint64_t b = rdtsc();
    uint64_t prev = b;
    for (uint32_t polls = 0; polls < 20000000u; polls++) {
        uint8_t v = inb(0x61);
        uint64_t t = rdtsc();
        if (v & 0x20) {
            if (polls == 0) return 0;
            *cycles = (prev + t) / 2 - (a + b) / 2;
            *slop = (b - a) + (t - prev);
            return 1;
        }
        prev = t;
    }
    return 0;
}

uint32_t tsc_calibrate_pit(void) {
    struct calib cal = {0};
    uint64_t best = 0;
    while (cal.n < CALIB_MAX_WINDOWS) {
        uint64_t d, slop;
        if (!pit_window(&d, &slop)) {
            if (cal.n == 0) return 0; /* no PIT */
            continue;
        }
        if (calib_add(&cal, d, slop, &best)) break;
    }
    if (!best) best = calib_fallback(&cal);
    if (!best) return 0;
    /* best cycles per PIT_WINDOW_COUNT / PIT_HZ seconds */
    uint64_t khz = best * PIT_HZ / ((uint64_t)PIT_WINDOW_COUNT * 1000u);
    return khz > 0xffffffffu ? 0 : (uint32_t)khz;
}

uint64_t tsc_from_us(uint64_t us) {
    return us / 1000u * guest_tsc_khz + us % 1000u * guest_tsc_khz / 1000u;
}

uint64_t tsc_to_ms(uint64_t cycles) {
    return cycles / guest_tsc_khz;
}
