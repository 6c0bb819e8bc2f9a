// counter_time_test.cc - wfisleep_ticks_to_ns and wfisleep_counter_deadline_ns edge cases.
#include <gtest/gtest.h>

#include <cstdint>

#include "wfisleep/wfisleep.h"

namespace {

constexpr uint64_t k24MHz = 24000000;
constexpr uint64_t k1GHz = 1000000000;
constexpr uint64_t kSat = UINT64_MAX - 1;

TEST(TicksToNs, At24MHz) {
    EXPECT_EQ(wfisleep_ticks_to_ns(0, k24MHz), 0u);
    EXPECT_EQ(wfisleep_ticks_to_ns(1, k24MHz), 41u);  // 41.67 rounded down
    EXPECT_EQ(wfisleep_ticks_to_ns(24, k24MHz), 1000u);
    EXPECT_EQ(wfisleep_ticks_to_ns(24000, k24MHz), 1000000u);
    EXPECT_EQ(wfisleep_ticks_to_ns(k24MHz, k24MHz), 1000000000u);
    // 2^62 ticks = 1.92e20 ns: above UINT64_MAX, saturates.
    EXPECT_EQ(wfisleep_ticks_to_ns(uint64_t{1} << 62, k24MHz), kSat);
    // The product overflows 64 bits but the result fits:
    // 1e12 ticks * 1e9 = 1e21 > 2^64, result 4.1667e13 ns.
    EXPECT_EQ(wfisleep_ticks_to_ns(1000000000000ULL, k24MHz), 41666666666666ULL);
}

TEST(TicksToNs, At1GHzIsIdentity) {
    EXPECT_EQ(wfisleep_ticks_to_ns(1, k1GHz), 1u);
    EXPECT_EQ(wfisleep_ticks_to_ns(123456789012345ULL, k1GHz), 123456789012345ULL);
    EXPECT_EQ(wfisleep_ticks_to_ns(UINT64_MAX - 1, k1GHz), kSat);
    EXPECT_EQ(wfisleep_ticks_to_ns(UINT64_MAX, k1GHz), kSat);  // never NO_DEADLINE
}

TEST(TicksToNs, SaturatesAndHandlesZeroFrequency) {
    EXPECT_EQ(wfisleep_ticks_to_ns(UINT64_MAX, k24MHz), kSat);
    EXPECT_EQ(wfisleep_ticks_to_ns(5, 0), kSat);
    EXPECT_EQ(wfisleep_ticks_to_ns(UINT64_MAX, UINT64_MAX), 1000000000u);
    EXPECT_EQ(wfisleep_ticks_to_ns(3, 2), 1500000000u);
}

TEST(CounterDeadline, Forward) {
    EXPECT_EQ(wfisleep_counter_deadline_ns(5000, 1000, 1024, k24MHz), 6000u);
    EXPECT_EQ(wfisleep_counter_deadline_ns(0, 0, 1000, k1GHz), 1000u);
}

// The Arm generic timer fires when CNTVCT >= CVAL, both read as unsigned
// 64-bit numbers: there is no wrap-around distance.
TEST(CounterDeadline, ACounterAboveTheCompareValueIsDueNow) {
    EXPECT_EQ(wfisleep_counter_deadline_ns(5000, UINT64_MAX - 10, 13, k24MHz), 5000u);
    EXPECT_EQ(wfisleep_counter_deadline_ns(7, UINT64_MAX, 0, k1GHz), 7u);
    // A counter past 2^63 (after an offset or a restore) with CVAL = 0.
    EXPECT_EQ(wfisleep_counter_deadline_ns(7, uint64_t{1} << 63, 0, k24MHz), 7u);
}

TEST(CounterDeadline, PastDeadlineReturnsNow) {
    EXPECT_EQ(wfisleep_counter_deadline_ns(5000, 1024, 1000, k24MHz), 5000u);
    EXPECT_EQ(wfisleep_counter_deadline_ns(5000, 1000, 1000, k24MHz), 5000u);
}

// A guest that parks its timer at CVAL = ~0 means "not for ages", not "now".
TEST(CounterDeadline, ACompareValueFarAheadIsFarAhead) {
    EXPECT_EQ(wfisleep_counter_deadline_ns(5000, 3, UINT64_MAX, k24MHz), kSat);
    EXPECT_EQ(wfisleep_counter_deadline_ns(5000, 0, uint64_t{1} << 63, k1GHz),
              (uint64_t{1} << 63) + 5000);
}

TEST(CounterDeadline, Saturates) {
    EXPECT_EQ(wfisleep_counter_deadline_ns(100, 0, (uint64_t{1} << 63) - 1, k1GHz),
              (uint64_t{1} << 63) - 1 + 100);
    EXPECT_EQ(wfisleep_counter_deadline_ns(UINT64_MAX - 100, 0, 1000, k1GHz), kSat);
    EXPECT_EQ(wfisleep_counter_deadline_ns(1, 0, (uint64_t{1} << 63) - 1, k24MHz), kSat);
    EXPECT_EQ(wfisleep_counter_deadline_ns(1, 0, 10, 0), kSat);
}

}  // namespace
