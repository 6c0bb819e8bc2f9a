// timebase_scale_test.cc - the macOS clock's precomputed ticks-to-ns factor against exact math.
#include "platform/timebase_scale.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace wfisleep::platform {
namespace {

__extension__ using u128 = unsigned __int128;

uint64_t exact(uint64_t ticks, uint32_t numer, uint32_t denom) {
    return static_cast<uint64_t>(static_cast<u128>(ticks) * numer / denom);
}

TEST(TimebaseScale, OneToOneIsTheIdentity) {
    const TimebaseScale s = make_timebase_scale(1, 1);
    for (const uint64_t t : {uint64_t{0}, uint64_t{1}, uint64_t{123456789}, UINT64_MAX}) {
        EXPECT_EQ(scale_ticks(t, s), t);
    }
}

// Apple silicon's 24 MHz counter (125/3) and other ratios, over a century of
// ticks: never above the exact value and at most 1 ns below it.
TEST(TimebaseScale, StaysWithinOneNanosecondOfExactMath) {
    std::mt19937_64 rng(7);
    const uint32_t ratios[][2] = {{125, 3}, {1, 1}, {3, 125}, {1000000000, 24000000}, {7, 9}};
    for (const auto &r : ratios) {
        const TimebaseScale s = make_timebase_scale(r[0], r[1]);
        const uint64_t limit = UINT64_MAX / r[0] * r[1] / 2;  // results fit 64 bits
        for (int i = 0; i < 100000; ++i) {
            const uint64_t t = (rng() >> (rng() % 64)) % limit;
            const uint64_t want = exact(t, r[0], r[1]);
            const uint64_t got = scale_ticks(t, s);
            ASSERT_LE(got, want) << r[0] << "/" << r[1] << " ticks " << t;
            ASSERT_LE(want - got, 1u) << r[0] << "/" << r[1] << " ticks " << t;
        }
    }
}

TEST(TimebaseScale, IsMonotonic) {
    const TimebaseScale s = make_timebase_scale(125, 3);
    uint64_t prev = 0;
    for (uint64_t t = 1000000000000ULL; t < 1000000000000ULL + 100000; ++t) {
        const uint64_t ns = scale_ticks(t, s);
        ASSERT_GE(ns, prev);
        prev = ns;
    }
}

TEST(TimebaseScale, ADenominatorOfZeroIsOneToOne) {
    EXPECT_EQ(scale_ticks(42, make_timebase_scale(125, 0)), 42u);
}

}  // namespace
}  // namespace wfisleep::platform
