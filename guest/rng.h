/* rng.h - xorshift64* PRNG and integer-only exponential intervals. */
#ifndef WFIS_GUEST_RNG_H
#define WFIS_GUEST_RNG_H

#include <stdint.h>

/* Seeds a per-vCPU generator: same seed and index give the same sequence. */
uint64_t rng_seed(uint64_t seed, uint32_t cpu);
uint64_t rng_next(uint64_t *state);

/* An exponentially distributed value with the given mean (any unit), from
 * integer arithmetic only (the guest has no FPU/SSE state). */
uint64_t rng_exponential(uint64_t *state, uint64_t mean);

#endif
