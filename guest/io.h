/* io.h - x86 port I/O, MSR, CPUID and TSC primitives for the guest. */
#ifndef WFIS_GUEST_IO_H
#define WFIS_GUEST_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) {
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v) {
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port) {
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port) {
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* rdtsc is not serialising; lfence keeps it from running ahead of earlier
 * loads, which is enough for timestamps taken at handler entry. */
static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v) {
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static inline void cli(void) {
    __asm__ volatile("cli" : : : "memory");
}
static inline void sti(void) {
    __asm__ volatile("sti" : : : "memory");
}
static inline void cpu_relax(void) {
    __asm__ volatile("pause" : : : "memory");
}

/* The idle trap: sti's one-instruction shadow makes the pair atomic, so an
 * interrupt that became pending before sti still wakes this hlt. */
static inline void sti_hlt(void) {
    __asm__ volatile("sti; hlt" : : : "memory");
}

#endif
