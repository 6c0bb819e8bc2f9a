// config_allow_test.cc - wfisleep_config_allow: embedder-owned names draw no warning; the rules.
#include <gtest/gtest.h>

#include <string>

#include "log_capture.h"
#include "wfisleep/wfisleep.h"

namespace {

size_t warnings_for(const char *entry) {
    wfisleep::test::LogCapture log;
    const char *vars[] = {"WFISLEEP_POLICY=off", entry, nullptr};
    wfisleep_config *cfg = nullptr;
    EXPECT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    wfisleep_config_free(cfg);
    return log.count_containing("unknown variable");
}

TEST(ConfigAllow, ARegisteredNameDrawsNoWarningAndItsValueIsIgnored) {
    EXPECT_EQ(warnings_for("WFISLEEP_ALLOWTEST_STATS=yes please"), 1u);
    ASSERT_EQ(wfisleep_config_allow("WFISLEEP_ALLOWTEST_STATS"), 0);
    EXPECT_EQ(wfisleep_config_allow("WFISLEEP_ALLOWTEST_STATS"), 0);  // idempotent
    EXPECT_EQ(warnings_for("WFISLEEP_ALLOWTEST_STATS=yes please"), 0u);
    // Only that name: a prefix or a longer name still warns.
    EXPECT_EQ(warnings_for("WFISLEEP_ALLOWTEST_STAT=1"), 1u);
    EXPECT_EQ(warnings_for("WFISLEEP_ALLOWTEST_STATSX=1"), 1u);
}

TEST(ConfigAllow, RejectsLibraryNamesAndMalformedNames) {
    EXPECT_EQ(wfisleep_config_allow(nullptr), -1);
    EXPECT_EQ(wfisleep_config_allow(""), -1);
    EXPECT_EQ(wfisleep_config_allow("WFISLEEP_A=B"), -1);
    EXPECT_EQ(wfisleep_config_allow(std::string(64, 'X').c_str()), -1);
    for (const char *own :
         {"HVF_WFI_SLEEP", "WFISLEEP_POLICY", "WFISLEEP_BOOT_GRACE_MS", "WFISLEEP_SEED_STRICT",
          "WFISLEEP_TIMER_SLACK_NS", "WFISLEEP_ADAPTIVE_POLL_MAX_NS"}) {
        EXPECT_EQ(wfisleep_config_allow(own), -1) << own;
    }
    // A registered name never masks a library variable's checks.
    const char *vars[] = {"WFISLEEP_POLICY=bogus", nullptr};
    wfisleep_config *cfg = nullptr;
    EXPECT_NE(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    wfisleep_config_free(cfg);
}

TEST(ConfigAllow, TheTableIsBounded) {
    int ok = 0;
    for (int i = 0; i < 40; ++i) {
        const std::string name = "WFISLEEP_ALLOWTEST_FILL_" + std::to_string(i);
        ok += wfisleep_config_allow(name.c_str()) == 0 ? 1 : 0;
    }
    EXPECT_GE(ok, 1);
    EXPECT_LE(ok, 16);  // at most 16 names, whatever other tests registered
    EXPECT_EQ(wfisleep_config_allow("WFISLEEP_ALLOWTEST_ONE_TOO_MANY"), -1);
}

}  // namespace
