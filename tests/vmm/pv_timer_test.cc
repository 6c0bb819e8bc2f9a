// pv_timer_test.cc - guest TSC -> host clock mapping and pv timer arming (past, future, wrapping
// deadlines).
#include "pv_timer.h"

#include <gtest/gtest.h>

namespace wfisvm {
namespace {

TscMap map_1ghz() {
    TscMap m;
    m.tsc0 = 1'000'000;
    m.ns0 = 5'000'000'000ull;
    m.khz = 1'000'000;  // 1 GHz: 1 tick = 1 ns
    return m;
}

TEST(TscMap, ConvertsBothWaysAndSaturates) {
    TscMap m = map_1ghz();
    EXPECT_EQ(m.host_ns(m.tsc0), m.ns0);
    EXPECT_EQ(m.host_ns(m.tsc0 + 1500), m.ns0 + 1500);
    EXPECT_EQ(m.host_ns(m.tsc0 - 1000), m.ns0 - 1000);
    EXPECT_EQ(m.host_ns(0), m.ns0 - m.tsc0);
    EXPECT_EQ(m.host_ns(UINT64_MAX), UINT64_MAX - 1);  // far future, never "no deadline"
    EXPECT_EQ(m.tsc_at(m.ns0 + 2000), m.tsc0 + 2000);
    m.ns0 = 10;
    EXPECT_EQ(m.host_ns(0), 0u);  // before the host clock's origin clamps
    TscMap g = map_1ghz();
    g.khz = 2'400'000;
    EXPECT_EQ(g.host_ns(g.tsc0 + 2400), g.ns0 + 1000);
}

TEST(PvTimer, ArmsFiresOnceAndDisarms) {
    PvTimer t;
    t.set_map(map_1ghz());
    EXPECT_EQ(t.deadline_ns(), WFISLEEP_NO_DEADLINE);
    uint64_t now = map_1ghz().ns0;
    t.write_lo(static_cast<uint32_t>(map_1ghz().tsc0 + 5000));
    EXPECT_EQ(t.write_hi(0, now), 0u);
    EXPECT_EQ(t.deadline_ns(), now + 5000);
    EXPECT_FALSE(t.fire_if_due(now + 4999));
    EXPECT_TRUE(t.fire_if_due(now + 5000));
    EXPECT_FALSE(t.fire_if_due(now + 6000));  // one fire per arm
    EXPECT_EQ(t.deadline_ns(), WFISLEEP_NO_DEADLINE);
    // HI:LO = 0 disarms.
    t.write_lo(7);
    t.write_hi(0, now);
    t.write_lo(0);
    t.write_hi(0, now);
    EXPECT_EQ(t.deadline_ns(), WFISLEEP_NO_DEADLINE);
}

TEST(PvTimer, CountsDeadlinesLessThanFiveMicrosecondsAheadInARow) {
    PvTimer t;
    t.set_map(map_1ghz());  // 1 TSC cycle = 1 ns
    const uint64_t now = map_1ghz().ns0;
    const uint64_t tsc = map_1ghz().tsc0;
    t.write_lo(static_cast<uint32_t>(tsc + 4999));
    EXPECT_EQ(t.write_hi(0, now), 1u);  // 4.999 us ahead: too close for any period
    t.write_lo(static_cast<uint32_t>(tsc + 1));
    EXPECT_EQ(t.write_hi(0, now), 2u);
    t.write_lo(0);
    EXPECT_EQ(t.write_hi(0, now), 2u);  // a disarm neither counts nor resets
    t.write_lo(static_cast<uint32_t>(tsc + 5000));
    EXPECT_EQ(t.write_hi(0, now), 0u);  // 5 us ahead: legal, the run resets
}

TEST(PvTimer, CountsPastDeadlinesInARow) {
    PvTimer t;
    t.set_map(map_1ghz());
    uint64_t now = map_1ghz().ns0 + 1'000'000;
    t.write_lo(1);
    EXPECT_EQ(t.write_hi(0, now), 1u);
    EXPECT_TRUE(t.fire_if_due(now));  // a past deadline fires at once
    t.write_lo(1);
    EXPECT_EQ(t.write_hi(0, now), 2u);
    t.write_lo(0xffffffffu);
    EXPECT_EQ(t.write_hi(0xffffffffu, now), 0u);  // future: the run resets
    EXPECT_EQ(t.deadline_ns(), UINT64_MAX - 1);
    EXPECT_FALSE(t.fire_if_due(UINT64_MAX - 2));
}

}  // namespace
}  // namespace wfisvm
