// activation_test.cc - the seed's "NOW ACTIVE" line: once per config object, at the first planned
// sleep.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "log_capture.h"
#include "wfisleep/wfisleep.h"

namespace {

constexpr uint64_t kUs = 1000;
constexpr const char *kActive = "HVF: WFI sleep NOW ACTIVE (adaptive: 10 -> 100 \xce\xbcs)";

wfisleep_config *seed_config() {
    const char *vars[] = {"HVF_WFI_SLEEP=100", "WFISLEEP_BOOT_GRACE_MS=0", nullptr};
    wfisleep_config *cfg = nullptr;
    EXPECT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    return cfg;
}

// Plans rapid idle calls on v until it plans its first sleep; returns the
// call count (52: the first call plus streaks 1..51).
int drive_until_sleep(wfisleep_vcpu *v, uint64_t *t) {
    for (int i = 1; i <= 1000; ++i) {
        const wfisleep_plan p = wfisleep_vcpu_plan(v, *t, 0, WFISLEEP_NO_DEADLINE);
        *t += p.sleep_ns + 10 * kUs;
        if (p.sleep_ns > 0) {
            return i;
        }
    }
    return -1;
}

TEST(SeedActivation, LoggedOnceAcrossTwoVcpusOfOneConfig) {
    wfisleep_config *cfg = seed_config();
    wfisleep::test::LogCapture log;
    wfisleep_vcpu *a = wfisleep_vcpu_new(cfg, 0);
    wfisleep_vcpu *b = wfisleep_vcpu_new(cfg, 0);
    uint64_t ta = 1000 * kUs;
    uint64_t tb = 1000 * kUs;
    EXPECT_EQ(drive_until_sleep(a, &ta), 52);
    EXPECT_EQ(log.count_containing(kActive), 1u);
    EXPECT_EQ(log.lines().size(), 1u);
    EXPECT_EQ(drive_until_sleep(b, &tb), 52);
    drive_until_sleep(a, &ta);
    EXPECT_EQ(log.count_containing(kActive), 1u);
    EXPECT_EQ(log.lines().size(), 1u);
    wfisleep_vcpu_free(a);
    wfisleep_vcpu_free(b);
    wfisleep_config_free(cfg);
}

TEST(SeedActivation, NotLoggedBeforeTheFirstSleep) {
    wfisleep_config *cfg = seed_config();
    wfisleep::test::LogCapture log;
    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, 0);
    uint64_t t = kUs;
    for (int i = 0; i < 51; ++i) {  // streak up to 50: no sleep
        const wfisleep_plan p = wfisleep_vcpu_plan(v, t, 0, WFISLEEP_NO_DEADLINE);
        ASSERT_EQ(p.sleep_ns, 0u);
        t += 10 * kUs;
    }
    EXPECT_TRUE(log.lines().empty());
    EXPECT_GT(wfisleep_vcpu_plan(v, t, 0, WFISLEEP_NO_DEADLINE).sleep_ns, 0u);
    EXPECT_EQ(log.count_containing(kActive), 1u);
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
}

TEST(SeedActivation, EachConfigObjectLogsItsOwnLine) {
    wfisleep_config *c1 = seed_config();
    wfisleep_config *c2 = seed_config();
    wfisleep::test::LogCapture log;
    wfisleep_vcpu *a = wfisleep_vcpu_new(c1, 0);
    wfisleep_vcpu *b = wfisleep_vcpu_new(c2, 0);
    uint64_t ta = kUs;
    uint64_t tb = kUs;
    drive_until_sleep(a, &ta);
    drive_until_sleep(b, &tb);
    EXPECT_EQ(log.count_containing(kActive), 2u);
    wfisleep_vcpu_free(a);
    wfisleep_vcpu_free(b);
    wfisleep_config_free(c1);
    wfisleep_config_free(c2);
}

TEST(SeedActivation, OnceWhenVcpusReachItConcurrently) {
    for (int round = 0; round < 20; ++round) {
        wfisleep_config *cfg = seed_config();
        wfisleep::test::LogCapture log;
        std::atomic<int> ready{0};
        const auto run = [&] {
            wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, 0);
            ready.fetch_add(1);
            while (ready.load() < 4) {
            }
            uint64_t t = kUs;
            drive_until_sleep(v, &t);
            wfisleep_vcpu_free(v);
        };
        std::thread t1(run), t2(run), t3(run), t4(run);
        t1.join();
        t2.join();
        t3.join();
        t4.join();
        ASSERT_EQ(log.count_containing(kActive), 1u) << "round " << round;
        wfisleep_config_free(cfg);
    }
}

}  // namespace
