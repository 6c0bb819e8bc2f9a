// guest_parts_test.cc - host-side unit tests of the guest's portable parts (command line, PRNG,
// calibration rule).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

extern "C" {
#include "calib.h"
#include "config.h"
#include "rng.h"
#include "strutil.h"
}

namespace {

guest_config parse(const char *cmdline) {
    guest_config cfg;
    config_parse(cmdline, &cfg);
    return cfg;
}

TEST(GuestConfig, DefaultsMatchTheAbiHeader) {
    guest_config c = parse(nullptr);
    EXPECT_EQ(c.timer, TIMER_REQ_AUTO);
    EXPECT_EQ(c.workload, WL_IDLE);
    EXPECT_EQ(c.hz, 1000u);
    EXPECT_EQ(c.mean_ms, 10u);
    EXPECT_EQ(c.busy, 1u);
    EXPECT_EQ(c.run_ms, 2000u);
    EXPECT_EQ(c.tsc_khz, 0u);
    EXPECT_EQ(c.vcpus, 1u);
    EXPECT_STREQ(c.error, "");
    EXPECT_STREQ(c.unknown, "");
}

TEST(GuestConfig, ParsesEveryKeyAndSkipsTheKernelPath) {
    guest_config c = parse(
        "/boot/wfis-guest.elf timer=lapic workload=tickless hz=250 mean_ms=7 busy=3 "
        "seconds=5 tsc_khz=2445406 seed=18446744073709551615 vcpus=4");
    EXPECT_STREQ(c.error, "");
    EXPECT_STREQ(c.unknown, "");
    EXPECT_EQ(c.timer, TIMER_REQ_LAPIC);
    EXPECT_EQ(c.workload, WL_TICKLESS);
    EXPECT_EQ(c.hz, 250u);
    EXPECT_EQ(c.mean_ms, 7u);
    EXPECT_EQ(c.busy, 3u);
    EXPECT_EQ(c.run_ms, 5000u);
    EXPECT_EQ(c.tsc_khz, 2445406u);
    EXPECT_EQ(c.seed, UINT64_MAX);
    EXPECT_EQ(c.vcpus, 4u);
}

TEST(GuestConfig, MsOverridesSecondsInEitherOrder) {
    EXPECT_EQ(parse("ms=1500 seconds=9").run_ms, 1500u);
    EXPECT_EQ(parse("seconds=9 ms=1500").run_ms, 1500u);
}

TEST(GuestConfig, UnknownKeysAreListedAndIgnored) {
    guest_config c = parse("workload=pingpong colour=blue loud x=1");
    EXPECT_STREQ(c.error, "");
    EXPECT_EQ(c.workload, WL_PINGPONG);
    EXPECT_STREQ(c.unknown, "colour,loud,x");
}

TEST(GuestConfig, UnknownListIsTruncatedNotOverflowed) {
    std::string line = "kernel";
    for (int i = 0; i < 40; i++) line += " some_long_unknown_key_" + std::to_string(i) + "=1";
    guest_config c = parse(line.c_str());
    EXPECT_LT(std::string(c.unknown).size(), sizeof c.unknown);
    EXPECT_EQ(std::string(c.unknown).rfind("some_long_unknown_key_0,", 0), 0u);
}

TEST(GuestConfig, BadValuesNameTheKeyAndWhatIsAccepted) {
    EXPECT_STREQ(parse("hz=0").error, "bad value '0' for hz= (accepted: 1..100000)");
    EXPECT_STREQ(parse("hz=12x").error, "bad value '12x' for hz= (accepted: 1..100000)");
    EXPECT_STREQ(parse("vcpus=65").error, "bad value '65' for vcpus= (accepted: 1..64)");
    EXPECT_STREQ(parse("seed=18446744073709551616").error,
                 "bad value '18446744073709551616' for seed= (accepted: a decimal 64-bit number)");
    EXPECT_STREQ(parse("timer=hpet").error,
                 "bad value 'hpet' for timer= (accepted: pv|lapic|auto)");
    EXPECT_STREQ(parse("workload=").error,
                 "bad value '' for workload= (accepted: idle|tickless|pingpong|burst|compute)");
    // The first error wins.
    EXPECT_STREQ(parse("busy=99 hz=0").error, "bad value '99' for busy= (accepted: 0..64)");
}

TEST(GuestRng, SameSeedAndCpuSameSequenceOtherCpuDiffers) {
    uint64_t a = rng_seed(42, 0), b = rng_seed(42, 0), c = rng_seed(42, 1);
    bool differs = false;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_next(&a);
        EXPECT_EQ(x, rng_next(&b));
        differs |= x != rng_next(&c);
    }
    EXPECT_TRUE(differs);
    EXPECT_NE(rng_seed(0, 0), 0u);  // xorshift must never be seeded with 0
}

TEST(GuestRng, ExponentialHasTheRequestedMeanAndShape) {
    uint64_t s = rng_seed(7, 0);
    const uint64_t mean = 1000000;  // e.g. cycles
    const int n = 200000;
    double sum = 0;
    int below_mean = 0;
    for (int i = 0; i < n; i++) {
        uint64_t v = rng_exponential(&s, mean);
        sum += static_cast<double>(v);
        below_mean += v < mean;
    }
    // Mean within 1% (the standard error is 0.22%); P(X < mean) = 1 - 1/e.
    EXPECT_NEAR(sum / n / mean, 1.0, 0.01);
    EXPECT_NEAR(static_cast<double>(below_mean) / n, 0.6321, 0.005);
}

TEST(GuestCalib, ThreeAgreeingWindowsWin) {
    calib c{};
    uint64_t out = 0;
    EXPECT_FALSE(calib_add(&c, 1000000, 10, &out));
    EXPECT_FALSE(calib_add(&c, 1190000, 10, &out));  // stretched window
    EXPECT_FALSE(calib_add(&c, 1000500, 10, &out));
    EXPECT_TRUE(calib_add(&c, 999800, 10, &out));
    EXPECT_EQ(out, 999800u);
}

TEST(GuestCalib, FallbackIsTheNarrowestBracket) {
    calib c{};
    uint64_t out = 0;
    EXPECT_EQ(calib_fallback(&c), 0u);
    for (int i = 0; i < CALIB_MAX_WINDOWS; i++)
        EXPECT_FALSE(calib_add(&c, 1000000 + 10000 * static_cast<uint64_t>(i), 100 - i, &out));
    EXPECT_FALSE(calib_add(&c, 1000000, 1, &out));  // full: ignored
    EXPECT_EQ(calib_fallback(&c), 1000000u + 10000u * (CALIB_MAX_WINDOWS - 1));
}

TEST(GuestLine, NeverExceedsItsCapacity) {
    char buf[16];
    line l;
    line_init(&l, buf, sizeof buf);
    line_str(&l, "WFIS HIST cpu=");
    line_u64(&l, 18446744073709551615u);
    EXPECT_EQ(std::string(buf), "WFIS HIST cpu=1");
    EXPECT_EQ(line_room(&l), 0u);
    line_init(&l, buf, sizeof buf);
    line_hex(&l, 0xfee00000u);
    EXPECT_EQ(std::string(buf), "0x00000000fee00");
}

}  // namespace
