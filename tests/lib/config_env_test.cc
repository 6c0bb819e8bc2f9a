// config_env_test.cc - config parsing from the real process environment (setenv).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "log_capture.h"
#include "wfisleep/wfisleep.h"

namespace {

// The environment is process-wide; these tests touch it from one thread only
// (gtest runs tests sequentially), which is what setenv requires.
void set_var(const char *name, const char *value) {
    setenv(name, value, 1);  // NOLINT(concurrency-mt-unsafe): single-threaded test
}
void unset_var(const char *name) {
    unsetenv(name);  // NOLINT(concurrency-mt-unsafe): single-threaded test
}

// Sets variables for one test and removes them afterwards.
class EnvConfig : public ::testing::Test {
  protected:
    void TearDown() override {
        for (const char *n :
             {"HVF_WFI_SLEEP", "WFISLEEP_POLICY", "WFISLEEP_BOOT_GRACE_MS", "WFISLEEP_SEED_STRICT",
              "WFISLEEP_TYPO_TEST", "WFISLEEP_ADAPTIVE_POLL_MAX_NS"}) {
            unset_var(n);
        }
    }
    int parse(std::string *policy, std::string *err) {
        wfisleep_config *cfg = nullptr;
        char buf[512];
        const int rc = wfisleep_config_parse(&cfg, nullptr, buf, sizeof buf);
        *policy = wfisleep_config_policy(cfg);
        *err = buf;
        wfisleep_config_free(cfg);
        return rc;
    }
};

TEST_F(EnvConfig, UnsetIsOff) {
    TearDown();
    std::string policy, err;
    EXPECT_EQ(parse(&policy, &err), 0);
    EXPECT_EQ(policy, "off");
}

TEST_F(EnvConfig, SeedFromEnvironment) {
    set_var("HVF_WFI_SLEEP", "200");
    set_var("WFISLEEP_BOOT_GRACE_MS", "1500");
    wfisleep::test::LogCapture log;
    std::string policy, err;
    EXPECT_EQ(parse(&policy, &err), 0) << err;
    EXPECT_EQ(policy, "seed");
    EXPECT_EQ(log.count_containing("max 200 \xce\xbcs (activates after 1.5s,"), 1u);
}

TEST_F(EnvConfig, InvalidValueFromEnvironment) {
    set_var("HVF_WFI_SLEEP", "100us");
    std::string policy, err;
    EXPECT_NE(parse(&policy, &err), 0);
    EXPECT_EQ(policy, "off");
    EXPECT_NE(err.find("HVF_WFI_SLEEP=\"100us\""), std::string::npos) << err;
}

TEST_F(EnvConfig, UnknownPrefixedNameInEnvironmentWarns) {
    set_var("WFISLEEP_TYPO_TEST", "1");
    wfisleep::test::LogCapture log;
    std::string policy, err;
    EXPECT_EQ(parse(&policy, &err), 0);
    EXPECT_EQ(log.count_containing("WFISLEEP_TYPO_TEST"), 1u);
}

TEST_F(EnvConfig, AdaptiveTunableFromEnvironment) {
    set_var("WFISLEEP_POLICY", "adaptive");
    set_var("WFISLEEP_ADAPTIVE_POLL_MAX_NS", "123456");
    std::string policy, err;
    EXPECT_EQ(parse(&policy, &err), 0) << err;
    EXPECT_EQ(policy, "adaptive");
    wfisleep_config *cfg = nullptr;
    ASSERT_EQ(wfisleep_config_parse(&cfg, nullptr, nullptr, 0), 0);
    char buf[2048];
    wfisleep_config_describe(cfg, buf, sizeof buf);
    EXPECT_NE(std::string(buf).find("WFISLEEP_ADAPTIVE_POLL_MAX_NS=123456"), std::string::npos)
        << buf;
    wfisleep_config_free(cfg);
}

}  // namespace
