/* tsc.c - TSC calibration against PIT channel 2 and unit conversions. */
#include "tsc.h"

#include "io.h"

uint32_t guest_tsc_khz;

#define PIT_HZ 1193182u
#define PIT_WINDOW_COUNT 23864u /* 20 ms */

static uint64_t pit_window(void) {
    uint8_t p61 = inb(0x61);
    outb(0x61, (uint8_t)((p61 & ~0x02) | 0x01)); /* gate 2 on, speaker off */
    outb(0x43, 0xB0);                            /* channel 2, lo/hi, mode 0 */
    outb(0x42, PIT_WINDOW_COUNT & 0xff);
    outb(0x42, PIT_WINDOW_COUNT >> 8);
    uint64_t t0 = rdtsc();
    /* OUT2 (port 0x61 bit 5) rises when the count reaches zero. A missing
     * PIT reads 0xff (bit set at once) or never rises: both give no result. */
    for (uint32_t polls = 0; polls < 20000000u; polls++) {
        if (inb(0x61) & 0x20) {
            uint64_t t1 = rdtsc();
            return polls == 0 ? 0 : t1 - t0;
        }
    }
    return 0;
}

uint32_t tsc_calibrate_pit(void) {
    uint64_t best = 0;
    for (int i = 0; i < 3; i++) {
        uint64_t d = pit_window();
        if (d && (!best || d < best)) best = d;
    }
    if (!best) return 0;
    /* best cycles per PIT_WINDOW_COUNT / PIT_HZ seconds */
    uint64_t khz = best * PIT_HZ / ((uint64_t)PIT_WINDOW_COUNT * 1000u);
    return khz > 0xffffffffu ? 0 : (uint32_t)khz;
}

uint64_t tsc_to_ns(uint64_t cycles) {
    uint64_t khz = guest_tsc_khz;
    return cycles / khz * 1000000u + cycles % khz * 1000000u / khz;
}

uint64_t tsc_from_us(uint64_t us) {
    return us / 1000u * guest_tsc_khz + us % 1000u * guest_tsc_khz / 1000u;
}

uint64_t tsc_to_ms(uint64_t cycles) {
    return cycles / guest_tsc_khz;
}
