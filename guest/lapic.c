/* lapic.c - xAPIC access and its timer in TSC-deadline and one-shot modes. */
#include "lapic.h"

#include "calib.h"
#include "io.h"
#include "percpu.h"
#include "tsc.h"

#define MSR_APIC_BASE 0x1B
#define MSR_TSC_DEADLINE 0x6E0

#define REG_TPR 0x080
#define REG_EOI 0x0B0
#define REG_SVR 0x0F0
#define REG_IRR 0x200
#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR 0x390
#define REG_TIMER_DIV 0x3E0

#define LVT_MASKED (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)

uintptr_t lapic_base;
uint64_t lapic_khz;

static inline uint32_t rd(uint32_t reg) {
    return *(volatile uint32_t *)(lapic_base + reg);
}
static inline void wr(uint32_t reg, uint32_t v) {
    *(volatile uint32_t *)(lapic_base + reg) = v;
}

const char *lapic_global_init(void) {
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (!(base & (1u << 11))) return "LAPIC globally disabled in MSR 0x1B";
    base &= 0xFFFFF000u | ((uint64_t)0xFFFFF << 32);
    if (base >= (3ull << 30) + (1ull << 30) || base < (3ull << 30))
        return "LAPIC base outside the uncached top GiB of the identity map";
    lapic_base = (uintptr_t)base;
    return 0;
}

void lapic_cpu_init(void) {
    wr(REG_TPR, 0);
    wr(REG_LVT_TIMER, LVT_MASKED | WFIS_VEC_TIMER);
    wr(REG_TIMER_DIV, 0xB); /* divide by 1 */
    wr(REG_SVR, 0x100 | WFIS_VEC_SPURIOUS);
}

int lapic_cpuid_has_tsc_deadline(void) {
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    return (c >> 24) & 1;
}

void lapic_tsc_deadline_mode(void) {
    wr(REG_LVT_TIMER, LVT_TSC_DEADLINE | WFIS_VEC_TIMER);
    /* The SDM asks for a fence between the LVT write and the first
     * IA32_TSC_DEADLINE write so the MSR is not written in the old mode. */
    __asm__ volatile("mfence" : : : "memory");
}

void lapic_oneshot_mode(void) {
    wr(REG_LVT_TIMER, WFIS_VEC_TIMER);
}

void lapic_mask_timer(void) {
    wr(REG_TIMER_INIT, 0);
    wr(REG_LVT_TIMER, LVT_MASKED | WFIS_VEC_TIMER);
}

static void delay_us(uint64_t us) {
    uint64_t t0 = rdtsc();
    while (rdtsc() - t0 < tsc_from_us(us)) cpu_relax();
}

static void send_ipi_all_but_self(uint32_t low) {
    wr(REG_ICR_HI, 0);
    wr(REG_ICR_LO, (3u << 18) | low); /* destination shorthand: all but self */
    for (int i = 0; i < 100000 && (rd(REG_ICR_LO) & (1u << 12)); i++)
        cpu_relax(); /* delivery status: wait until sent */
}

void lapic_start_others(uint32_t page) {
    send_ipi_all_but_self((1u << 14) | (5u << 8)); /* INIT, level assert */
    delay_us(10000);
    for (int i = 0; i < 2; i++) {
        send_ipi_all_but_self((6u << 8) | (page & 0xff)); /* start-up */
        delay_us(200);
    }
}

static int timer_vector_pending(void) {
    uint32_t irr = rd(REG_IRR + 0x10 * (WFIS_VEC_TIMER / 32));
    return (irr >> (WFIS_VEC_TIMER % 32)) & 1;
}

int lapic_probe_tsc_deadline(void) {
    struct percpu *c = this_cpu();
    lapic_tsc_deadline_mode();
    uint64_t t0 = rdtsc();
    lapic_tsc_deadline_arm(t0 + tsc_from_us(50));
    int pending = 0;
    while (rdtsc() - t0 < tsc_from_us(20000)) {
        if (timer_vector_pending()) {
            pending = 1;
            break;
        }
        cpu_relax();
    }
    if (!pending) {
        lapic_tsc_deadline_arm(0);
        lapic_mask_timer();
        return 0;
    }
    /* Take the pending interrupt; the handler sees timer_probe and only
     * acknowledges it. */
    c->timer_probe = 1;
    sti();
    uint64_t t1 = rdtsc();
    while (__atomic_load_n(&c->timer_probe, __ATOMIC_ACQUIRE) && rdtsc() - t1 < tsc_from_us(20000))
        cpu_relax();
    cli();
    c->timer_probe = 0;
    return 1;
}

/* Reads the current count between two TSC reads (MMIO may be a VM exit). */
static uint32_t read_count(uint64_t *mid, uint64_t *slop) {
    uint64_t a = rdtsc();
    uint32_t cur = rd(REG_TIMER_CUR);
    uint64_t b = rdtsc();
    *mid = (a + b) / 2;
    *slop = b - a;
    return cur;
}

const char *lapic_calibrate_oneshot(void) {
    wr(REG_LVT_TIMER, LVT_MASKED | WFIS_VEC_TIMER); /* one-shot, masked */
    wr(REG_TIMER_DIV, 0xB);
    uint64_t window = tsc_from_us(10000);
    struct calib cal = {0};
    uint64_t best_khz = 0;
    /* Both ends are sampled while the count runs, each bracketed by TSC
     * reads (MMIO may be a VM exit). */
    for (int i = 0; i < CALIB_MAX_WINDOWS; i++) {
        wr(REG_TIMER_INIT, 0xFFFFFFFFu);
        uint64_t t0, s0, t1, s1;
        uint32_t c0 = read_count(&t0, &s0);
        while (rdtsc() - t0 < window) cpu_relax();
        uint32_t c1 = read_count(&t1, &s1);
        wr(REG_TIMER_INIT, 0);
        if (c1 == 0 || c1 >= c0) continue;
        uint64_t khz = (uint64_t)(c0 - c1) * guest_tsc_khz / (t1 - t0);
        if (calib_add(&cal, khz, s0 + s1, &best_khz)) break;
    }
    if (!best_khz) best_khz = calib_fallback(&cal);
    if (best_khz == 0) return "LAPIC timer does not count (or too fast or slow to measure)";
    lapic_khz = best_khz;
    return 0;
}
