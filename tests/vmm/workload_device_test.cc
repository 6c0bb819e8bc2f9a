// workload_device_test.cc - requests beyond the per-vCPU outstanding cap are counted, not
// silently dropped; answered ones are timed.
#include "workload_device.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "spec.h"
#include "wfisleep/wfisleep.h"

namespace wfisvm {
namespace {

TEST(WorkloadDevice, CountsRequestsBeyondTheOutstandingCap) {
    ScenarioSpec spec;
    std::string err;
    ASSERT_TRUE(parse_scenario("pingpong:rate=20000", &spec, &err)) << err;
    std::atomic<uint64_t> raised{0};
    // A guest that never answers, and a cap of 8 outstanding requests.
    WorkloadDevice dev(
        spec, 1, 1, [&](uint32_t) { return raised.fetch_add(1), true; }, 8, 64);
    dev.start({wfisleep_now_ns()}, 10'000'000'000ull);
    for (int i = 0; i < 5000 && raised.load() < 50; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_GE(raised.load(), 50u) << "the device raised too few requests within 5 s";
    // Answer the newest request: every outstanding one is timed at once.
    const uint32_t newest = dev.newest_seq(0);
    ASSERT_TRUE(dev.answer(0, newest, &err)) << err;
    dev.stop();
    EXPECT_EQ(dev.raised(), raised.load());
    EXPECT_GE(dev.over_cap(), 42u);
    auto d = dev.latency_distribution();
    ASSERT_TRUE(d);
    EXPECT_EQ(d->count, 8u);  // only the capped ones were timed
    EXPECT_EQ(d->count + dev.over_cap() + dev.unanswered(), dev.raised());
}

}  // namespace
}  // namespace wfisvm
