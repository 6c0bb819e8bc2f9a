// splitmix64.h - SplitMix64, the test bed's seeded generator: its sequence is fixed by its
// definition (std's shuffles and distributions are not across standard libraries), so a seed
// names the same draws everywhere. Pure arithmetic: safe in a forked child.
#pragma once

#include <cstdint>

namespace wfisvm {

// The generator's output function, a bijective mix of z.
constexpr uint64_t splitmix64_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Advances *state by the golden-ratio step and returns the mix of the new state.
constexpr uint64_t splitmix64_next(uint64_t *state) {
    return splitmix64_mix(*state += 0x9e3779b97f4a7c15ULL);
}

}  // namespace wfisvm
