// counter_conversion_test.cc - guest counter -> ns conversions at their overflow edges (label
// unit).
//
// Defined behaviour (wfisleep.h): wfisleep_ticks_to_ns rounds down and
// saturates at UINT64_MAX - 1 (never WFISLEEP_NO_DEADLINE); frequency 0 gives
// UINT64_MAX - 1. wfisleep_counter_deadline_ns follows the Arm timer's rule,
// due when cntvct >= cval as unsigned numbers: then now_ns; otherwise now_ns
// plus the time of cval - cntvct ticks, saturating at UINT64_MAX - 1.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "wfisleep/wfisleep.h"

namespace {

__extension__ typedef unsigned __int128 u128;  // exact reference arithmetic
constexpr uint64_t kSat = UINT64_MAX - 1;

uint64_t ref_ticks_to_ns(uint64_t ticks, uint64_t freq) {
    if (freq == 0) {
        return kSat;
    }
    const u128 ns = static_cast<u128>(ticks) * 1000000000u / freq;
    return ns >= kSat ? kSat : static_cast<uint64_t>(ns);
}

uint64_t ref_deadline(uint64_t now, uint64_t cntvct, uint64_t cval, uint64_t freq) {
    if (cntvct >= cval) {
        return now;  // the timer condition holds: due
    }
    const u128 sum = static_cast<u128>(now) + ref_ticks_to_ns(cval - cntvct, freq);
    return sum >= kSat ? kSat : static_cast<uint64_t>(sum);
}

TEST(TicksToNs, ExactValuesRoundDown) {
    EXPECT_EQ(wfisleep_ticks_to_ns(0, 24000000), 0u);
    EXPECT_EQ(wfisleep_ticks_to_ns(1, 1000000000), 1u);
    EXPECT_EQ(wfisleep_ticks_to_ns(24000000, 24000000), 1000000000u);
    EXPECT_EQ(wfisleep_ticks_to_ns(1, 3), 333333333u);
    EXPECT_EQ(wfisleep_ticks_to_ns(1, 24000000), 41u);  // 41.67 ns, rounded down
}

TEST(TicksToNs, FrequencyZeroSaturatesBelowNoDeadline) {
    EXPECT_EQ(wfisleep_ticks_to_ns(0, 0), kSat);
    EXPECT_EQ(wfisleep_ticks_to_ns(5, 0), kSat);
}

TEST(TicksToNs, ProductThatWouldOverflow64BitsIsExact) {
    // ticks * 1e9 overflows 64 bits for ticks > 1.8e10; the result does not.
    EXPECT_EQ(wfisleep_ticks_to_ns(UINT64_MAX, UINT64_MAX), 1000000000u);
    EXPECT_EQ(wfisleep_ticks_to_ns(uint64_t{1} << 40, uint64_t{1} << 40), 1000000000u);
    EXPECT_EQ(wfisleep_ticks_to_ns(24000000ull * 3600 * 24 * 365, 24000000),
              1000000000ull * 3600 * 24 * 365);  // a year of a 24 MHz counter
}

TEST(TicksToNs, ResultPastTheClockSaturatesAtUint64MaxMinus1) {
    EXPECT_EQ(wfisleep_ticks_to_ns(UINT64_MAX, 1), kSat);
    EXPECT_EQ(wfisleep_ticks_to_ns(UINT64_MAX, 1000000000), kSat);  // exactly UINT64_MAX ns
    EXPECT_EQ(wfisleep_ticks_to_ns(UINT64_MAX - 1, 1000000000), kSat);
    EXPECT_EQ(wfisleep_ticks_to_ns(UINT64_MAX - 2, 1000000000), UINT64_MAX - 2);
}

TEST(TicksToNs, MatchesA128BitReferenceOnRandomInputs) {
    std::mt19937_64 rng(42);
    for (int i = 0; i < 200000; ++i) {
        const uint64_t ticks = rng() >> (rng() % 64);
        const uint64_t freq = rng() >> (rng() % 64);
        ASSERT_EQ(wfisleep_ticks_to_ns(ticks, freq), ref_ticks_to_ns(ticks, freq))
            << "ticks=" << ticks << " freq=" << freq;
    }
}

TEST(CounterDeadline, DeadlineInThePastOrNowReturnsNow) {
    EXPECT_EQ(wfisleep_counter_deadline_ns(5000, 100, 100, 24000000), 5000u);  // cval == now
    EXPECT_EQ(wfisleep_counter_deadline_ns(5000, 100, 99, 24000000), 5000u);
    EXPECT_EQ(wfisleep_counter_deadline_ns(5000, UINT64_MAX, 0, 24000000), 5000u)
        << "CNTVCT >= CVAL as unsigned numbers: the timer fires now";
    EXPECT_EQ(wfisleep_counter_deadline_ns(5000, 0, UINT64_MAX, 24000000), UINT64_MAX - 1)
        << "CVAL = ~0 is as far ahead as the counter goes";
}

// A timer due now is due now whatever the frequency: frequency 0 must not
// turn it into "never" (that would be a lost timer interrupt).
TEST(CounterDeadline, DistanceZeroIsNowEvenWithFrequencyZero) {
    EXPECT_EQ(wfisleep_counter_deadline_ns(123, 77, 77, 0), 123u);
    EXPECT_EQ(wfisleep_counter_deadline_ns(123, 77, 77, 24000000), 123u);
}

TEST(CounterDeadline, DistancesOf2Pow63AndMoreAreAhead) {
    EXPECT_EQ(wfisleep_counter_deadline_ns(7, 0, uint64_t{1} << 63, 1000000000),
              7u + (uint64_t{1} << 63));
    EXPECT_EQ(wfisleep_counter_deadline_ns(7, 1, UINT64_MAX, 1000000000), kSat);
    EXPECT_EQ(wfisleep_counter_deadline_ns(7, 0, (uint64_t{1} << 63) - 1, 1000000000),
              7u + ((uint64_t{1} << 63) - 1));
}

TEST(CounterDeadline, SumPastTheEndOfTheClockSaturatesAtUint64MaxMinus1) {
    EXPECT_EQ(wfisleep_counter_deadline_ns(UINT64_MAX - 10, 0, 1000, 1000000000), kSat);
    EXPECT_EQ(wfisleep_counter_deadline_ns(UINT64_MAX, 0, 1, 1), kSat);
    EXPECT_EQ(wfisleep_counter_deadline_ns(1, 0, (uint64_t{1} << 63) - 1, 1), kSat);
    EXPECT_EQ(wfisleep_counter_deadline_ns(0, 0, 1, 0), kSat);  // frequency 0
}

TEST(CounterDeadline, YearsAwayIsExact) {
    const uint64_t year_ticks = 24000000ull * 3600 * 24 * 365 * 10;  // 10 years at 24 MHz
    EXPECT_EQ(wfisleep_counter_deadline_ns(1000, 5, 5 + year_ticks, 24000000),
              1000 + 1000000000ull * 3600 * 24 * 365 * 10);
}

TEST(CounterDeadline, NeverReturnsNoDeadlineAndMatchesReference) {
    std::mt19937_64 rng(43);
    for (int i = 0; i < 200000; ++i) {
        const uint64_t now = rng() >> (rng() % 64);
        const uint64_t cntvct = rng();
        const uint64_t cval = rng() % 4 == 0 ? cntvct + (rng() >> (rng() % 64)) : rng();
        const uint64_t freq = rng() >> (rng() % 64);
        const uint64_t got = wfisleep_counter_deadline_ns(now, cntvct, cval, freq);
        ASSERT_NE(got, WFISLEEP_NO_DEADLINE);
        ASSERT_EQ(got, ref_deadline(now, cntvct, cval, freq))
            << "now=" << now << " cntvct=" << cntvct << " cval=" << cval << " freq=" << freq;
    }
}

}  // namespace
