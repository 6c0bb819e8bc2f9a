// timer_slack_test.cc - WFISLEEP_TIMER_SLACK_NS: parsing, per-policy default, and what the vCPU
// thread gets.
#include <gtest/gtest.h>
#include <sys/prctl.h>

#include <string>
#include <thread>

#include "test_vcpu.h"
#include "wfisleep/wfisleep.h"

namespace {

using Vcpu = wfisleep::test::TestVcpu;

long thread_slack() {
    return prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
}

// Runs one short library wait on a fresh thread whose slack starts at
// `before`, and returns the thread's slack afterwards.
long slack_after_idle(const char *a, const char *b, long before) {
    long after = -1;
    std::thread t([&] {
        EXPECT_EQ(prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(before), 0, 0, 0), 0);
        Vcpu c(a, b);
        wfisleep_vcpu_idle(c.v, 0, wfisleep_now_ns() + 200000);  // a deadline 200 us away
        after = thread_slack();
    });
    t.join();
    return after;
}

std::string describe(const char *a, const char *b = nullptr) {
    Vcpu c(a, b);
    char buf[2048];
    wfisleep_config_describe(c.cfg, buf, sizeof buf);
    return buf;
}

TEST(TimerSlack, AdaptiveDefaultsToOneNanosecond) {
    EXPECT_EQ(slack_after_idle("WFISLEEP_POLICY=adaptive", nullptr, 50000), 1);
    EXPECT_NE(describe("WFISLEEP_POLICY=adaptive").find("WFISLEEP_TIMER_SLACK_NS=1"),
              std::string::npos);
}

TEST(TimerSlack, KeepLeavesTheThreadsSlackUntouched) {
    EXPECT_EQ(slack_after_idle("WFISLEEP_POLICY=adaptive", "WFISLEEP_TIMER_SLACK_NS=keep", 77777),
              77777);
    EXPECT_NE(describe("WFISLEEP_POLICY=adaptive", "WFISLEEP_TIMER_SLACK_NS=keep")
                  .find("WFISLEEP_TIMER_SLACK_NS=keep"),
              std::string::npos);
}

TEST(TimerSlack, AValueIsAppliedToTheVcpuThread) {
    EXPECT_EQ(slack_after_idle("WFISLEEP_POLICY=adaptive", "WFISLEEP_TIMER_SLACK_NS=2500", 50000),
              2500);
}

// The seed keeps the thread's slack unless told, as the document's g_usleep did.
TEST(TimerSlack, SeedKeepsTheThreadsSlackUnlessSet) {
    Vcpu seed("HVF_WFI_SLEEP=100");
    EXPECT_NE(describe("HVF_WFI_SLEEP=100").find("WFISLEEP_TIMER_SLACK_NS=keep"),
              std::string::npos);
    EXPECT_NE(describe("HVF_WFI_SLEEP=100", "WFISLEEP_TIMER_SLACK_NS=1000")
                  .find("WFISLEEP_TIMER_SLACK_NS=1000"),
              std::string::npos);
}

TEST(TimerSlack, BadValuesAreOneLineErrorsNamingTheVariable) {
    for (const char *bad :
         {"WFISLEEP_TIMER_SLACK_NS=0", "WFISLEEP_TIMER_SLACK_NS=", "WFISLEEP_TIMER_SLACK_NS=1e3",
          "WFISLEEP_TIMER_SLACK_NS=1000000001", "WFISLEEP_TIMER_SLACK_NS=KEEP"}) {
        const char *vars[] = {"WFISLEEP_POLICY=adaptive", bad, nullptr};
        wfisleep_config *cfg = nullptr;
        char err[256];
        EXPECT_NE(wfisleep_config_parse(&cfg, vars, err, sizeof err), 0) << bad;
        const std::string msg = err;
        EXPECT_NE(msg.find("WFISLEEP_TIMER_SLACK_NS"), std::string::npos) << msg;
        EXPECT_NE(msg.find("keep"), std::string::npos) << msg;  // says what is accepted
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        EXPECT_STREQ(wfisleep_config_policy(cfg), "off");
        wfisleep_config_free(cfg);
    }
}

}  // namespace
