// kqueue_timer_test.cc - the macOS park's timer set-up (pure, so it runs here).
#include "platform/kqueue_timer.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "platform/parker.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {
namespace {

using Action = KqueueTimerArm::Action;

TEST(KqueueTimer, ANearDeadlineArmsItsExactInterval) {
    const KqueueTimerArm a = kqueue_timer_arm(1000, 51000, 1);
    EXPECT_EQ(a.action, Action::arm);
    EXPECT_EQ(a.interval_ns, 50000);
    EXPECT_TRUE(a.set_leeway);
    EXPECT_EQ(a.leeway_ns, 1u);
}

TEST(KqueueTimer, APassedDeadlineDoesNotWait) {
    EXPECT_EQ(kqueue_timer_arm(5000, 5000, 1).action, Action::due);
    EXPECT_EQ(kqueue_timer_arm(5001, 5000, 1).action, Action::due);
}

TEST(KqueueTimer, NoTimeoutRemovesAnOldTimer) {
    EXPECT_EQ(kqueue_timer_arm(5000, WFISLEEP_FOREVER, 1).action, Action::remove);
}

TEST(KqueueTimer, KeepLeavesTheLeewayToThePlatform) {
    const KqueueTimerArm a = kqueue_timer_arm(0, 1000, kLeewayKeep);
    EXPECT_EQ(a.action, Action::arm);
    EXPECT_FALSE(a.set_leeway);
}

// The saturated deadlines the conversions produce (UINT64_MAX - 1), and any
// gap of 2^63 ns or more, read as negative by the kernel, which fires them at
// once: the park would return at once, over and over, until a kick.
TEST(KqueueTimer, AFarDeadlineArmsAPositiveClampedInterval) {
    for (const uint64_t deadline :
         {UINT64_MAX - 1, uint64_t{1} << 63, (uint64_t{1} << 63) + 12345, uint64_t{1} << 40}) {
        const KqueueTimerArm a = kqueue_timer_arm(100, deadline, 1);
        EXPECT_EQ(a.action, Action::arm) << deadline;
        EXPECT_GT(a.interval_ns, 0) << deadline;
        EXPECT_LE(a.interval_ns, kKqueueTimerMaxNs) << deadline;
    }
    EXPECT_EQ(kqueue_timer_arm(100, UINT64_MAX - 1, 1).interval_ns, kKqueueTimerMaxNs);
}

}  // namespace
}  // namespace wfisleep::platform
