/* rng.c - xorshift64* PRNG and exponential variates by inverse transform in fixed point. */
#include "rng.h"

uint64_t rng_seed(uint64_t seed, uint32_t cpu) {
    uint64_t s = seed ^ ((uint64_t)(cpu + 1) * 0x9E3779B97F4A7C15ull);
    return s ? s : 0x2545F4914F6CDD1Dull;
}
