/* kvmclock.c - reads KVM's TSC-to-nanosecond scale from a pvclock time info page. */
#include "kvmclock.h"

#include "io.h"

#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)

/* struct pvclock_vcpu_time_info of the KVM ABI. */
struct pvclock_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad[2];
} __attribute__((packed));

static struct pvclock_time_info time_info __attribute__((aligned(64)));

static int on_kvm(void) {
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if (!(c & (1u << 31))) /* hypervisor present */
        return 0;
    cpuid(0x40000000, &a, &b, &c, &d);
    if (b != 0x4b4d564b || c != 0x564b4d56 || d != 0x0000004d) /* "KVMKVMKVM" */
        return 0;
    if (a < 0x40000001) return 0;
    cpuid(0x40000001, &a, &b, &c, &d);
    return (a & KVM_FEATURE_CLOCKSOURCE2) != 0;
}

uint32_t kvmclock_tsc_khz(void) {
    if (!on_kvm()) return 0;
    volatile struct pvclock_time_info *t = &time_info;
    wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uint64_t)(uintptr_t)&time_info | 1);
    uint32_t mul = 0;
    int8_t shift = 0;
    for (int tries = 0; tries < 1000; tries++) {
        uint32_t v = t->version;
        __asm__ volatile("" : : : "memory");
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        __asm__ volatile("" : : : "memory");
        if (v != 0 && !(v & 1) && v == t->version && mul != 0) break;
        mul = 0;
        cpu_relax();
    }
    wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);
    if (!mul || shift < -31 || shift > 31) return 0;
    /* ns = (cycles scaled by 2^shift) * mul / 2^32, so
     * kHz = 10^6 * 2^32 / (mul * 2^shift). */
    uint64_t num = 1000000ull << 32;
    uint64_t khz;
    if (shift < 0) {
        /* 10^6 * 2^32 < 2^52: up to 2^11 more still fits; beyond that the
         * TSC would run above 10 THz. */
        if (-shift > 11) return 0;
        khz = (num << -shift) / mul;
    } else {
        khz = (num / mul) >> shift;
    }
    return khz >= 1000 && khz <= 100000000 ? (uint32_t)khz : 0;
}
