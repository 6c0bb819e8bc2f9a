/* rng.h - xorshift64* PRNG and integer-only exponential intervals. */
#ifndef WFIS_GUEST_RNG_H
#define WFIS_GUEST_RNG_H

#include <stdint.h>

/* Seeds a per-vCPU generator: same seed and index give the same sequence. */
uint64_t rng_seed(uint64_t seed, uint32_t cpu);

/* The rest is inline: the timer interrupt handler must call nothing. */

static inline uint64_t rng_next(uint64_t *state) {
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* log2(u) in Q16 for u >= 1, by repeated squaring of the mantissa. */
static inline uint64_t rng_log2_q16(uint64_t u) {
    int ip = 63 - __builtin_clzll(u);
    uint64_t m = ip >= 31 ? u >> (ip - 31) : u << (31 - ip); /* Q31 in [1, 2) */
    uint64_t frac = 0;
    for (int i = 1; i <= 16; i++) {
        m = (m * m) >> 31;
        if (m >= (1ull << 32)) {
            m >>= 1;
            frac |= 1ull << (16 - i);
        }
    }
    return ((uint64_t)ip << 16) | frac;
}

/* An exponentially distributed value with the given mean (any unit), from
 * integer arithmetic only (the guest has no FPU/SSE state). */
static inline uint64_t rng_exponential(uint64_t *state, uint64_t mean) {
    /* U in (0, 1] as u / 2^32; -ln U = ln 2 * (32 - log2 u). */
    uint64_t u = (rng_next(state) >> 32) + 1;
    uint64_t neg_log2 = (32ull << 16) - rng_log2_q16(u);
    uint64_t neg_ln = neg_log2 * 45426u >> 16; /* ln 2 in Q16 */
    return (mean >> 16) * neg_ln + ((mean & 0xffff) * neg_ln >> 16);
}

#endif
