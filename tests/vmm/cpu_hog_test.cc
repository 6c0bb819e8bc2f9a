// cpu_hog_test.cc - the hog's busy share per period and its process: pinned, started on go, reaped.
#include "cpu_hog.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <time.h>

#include <thread>

#include "spec.h"

namespace wfisvm {
namespace {

TEST(CpuHog, BusyLengthsAverageThePermilleWithinThePeriod) {
    const uint64_t p = 1000000;
    EXPECT_EQ(hog_busy_ns(500, p, 0.5), 500000u);
    EXPECT_EQ(hog_busy_ns(500, p, 0.0), 0u);
    EXPECT_EQ(hog_busy_ns(500, p, 0.999999), 999999u);
    // 200 per mille: 0..400 us; 800: 600..1000 us; 1000: always the whole period.
    EXPECT_EQ(hog_busy_ns(200, p, 0.0), 0u);
    EXPECT_EQ(hog_busy_ns(200, p, 0.75), 300000u);
    EXPECT_EQ(hog_busy_ns(800, p, 0.0), 600000u);
    EXPECT_EQ(hog_busy_ns(1000, p, 0.1), p);
    EXPECT_EQ(hog_busy_ns(0, p, 0.9), 0u);
    double sum = 0;
    for (int i = 0; i < 1000; i++)
        sum += static_cast<double>(hog_busy_ns(300, p, (i + 0.5) / 1000));
    EXPECT_NEAR(sum / 1000, 300000.0, 1.0);
}

uint64_t process_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

TEST(CpuHog, TheProcessPinsTheThreadRunsOnGoAndIsNotThisProcesssCpu) {
    ScenarioSpec s;
    std::string err;
    ASSERT_TRUE(parse_scenario("idle:hog=1000", &s, &err)) << err;
    const uint64_t cpu0 = process_cpu_ns();
    CpuHog hog;
    ASSERT_TRUE(hog.start_for(s, 7, &err)) << err;
    ASSERT_TRUE(hog.running());
    std::thread t([] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); });
    ASSERT_TRUE(hog.go(t.native_handle(), &err)) << err;
    cpu_set_t set;
    CPU_ZERO(&set);
    ASSERT_EQ(pthread_getaffinity_np(t.native_handle(), sizeof set, &set), 0);
    EXPECT_EQ(CPU_COUNT(&set), 1);
    EXPECT_TRUE(CPU_ISSET(hog_cpu(), &set));
    t.join();
    hog.stop();
    EXPECT_FALSE(hog.running());
    // The hog burned a CPU for 200 ms in its own process, not in this one.
    EXPECT_LT(process_cpu_ns() - cpu0, 100000000u);
    // No hog: nothing forked, go is a no-op.
    ScenarioSpec none;
    ASSERT_TRUE(parse_scenario("idle", &none, &err));
    CpuHog idle;
    ASSERT_TRUE(idle.start_for(none, 7, &err));
    EXPECT_FALSE(idle.running());
    EXPECT_TRUE(idle.go(pthread_self(), &err));
}

}  // namespace
}  // namespace wfisvm
