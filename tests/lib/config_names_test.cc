// config_names_test.cc - the parser reads only the library's own names: first value wins, others
// untouched, settings validated only under the policy that uses them, errors one escaped line.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "config/config.h"
#include "log_capture.h"
#include "wfisleep/wfisleep.h"

extern char **environ;  // POSIX

namespace {

struct Result {
    int rc = 0;
    std::string policy;
    std::string err;
    uint64_t seed_max_us = 0;
    uint64_t grace_ms = 0;
    uint64_t poll_max_ns = 0;
    size_t log_lines = 0;
};

// vars == nullptr: the process environment.
Result parse_list(const char *const *vars) {
    Result r;
    wfisleep::test::LogCapture log;
    wfisleep_config *cfg = nullptr;
    char err[512];
    r.rc = wfisleep_config_parse(&cfg, vars, err, sizeof err);
    r.err = err;
    r.policy = wfisleep_config_policy(cfg);
    r.seed_max_us = cfg->seed.max_us;
    r.grace_ms = cfg->seed.grace_ms;
    r.poll_max_ns = cfg->adaptive.poll_max_ns;
    r.log_lines = log.lines().size();
    wfisleep_config_free(cfg);
    return r;
}

Result parse(std::vector<const char *> vars) {
    vars.push_back(nullptr);
    return parse_list(vars.data());
}

// Parses with `entries` as the whole process environment (execve allows
// entries without '=', which setenv cannot make).
Result parse_environment(std::vector<const char *> entries) {
    entries.push_back(nullptr);
    char **saved = environ;
    environ = const_cast<char **>(entries.data());
    const Result r = parse_list(nullptr);
    environ = saved;
    return r;
}

bool contains(const std::string &s, const std::string &needle) {
    return s.find(needle) != std::string::npos;
}

TEST(ConfigNames, AnUnrelatedEnvironmentEntryWithoutEqualsIsNotLookedAt) {
    const Result r = parse_environment({"JUNK_WITHOUT_EQUALS", "HVF_WFI_SLEEP=100"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.policy, "seed");
}

TEST(ConfigNames, AnUnrelatedListEntryWithoutEqualsIsNotLookedAt) {
    const Result r = parse({"SOMETHING", "WFISLEEP_POLICY=adaptive"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.policy, "adaptive");
}

TEST(ConfigNames, OneOfOurNamesWithoutEqualsIsAnError) {
    const Result r = parse({"HVF_WFI_SLEEP"});
    EXPECT_NE(r.rc, 0);
    EXPECT_TRUE(contains(r.err, "HVF_WFI_SLEEP")) << r.err;
    EXPECT_TRUE(contains(r.err, "NAME=VALUE")) << r.err;
}

// getenv returns the first entry of a name; so does the parser.
TEST(ConfigNames, TheFirstOfARepeatedNameWins) {
    Result r = parse({"HVF_WFI_SLEEP=50", "HVF_WFI_SLEEP=70"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.seed_max_us, 50u);
    r = parse({"HVF_WFI_SLEEP=50", "HVF_WFI_SLEEP=abc"});
    EXPECT_EQ(r.rc, 0) << "a later duplicate is never read: " << r.err;
    EXPECT_EQ(r.seed_max_us, 50u);
    r = parse({"HVF_WFI_SLEEP=abc", "HVF_WFI_SLEEP=50"});
    EXPECT_NE(r.rc, 0);
    EXPECT_TRUE(contains(r.err, "\"abc\"")) << r.err;
    r = parse({"WFISLEEP_POLICY=adaptive", "WFISLEEP_POLICY=off"});
    EXPECT_EQ(r.policy, "adaptive");
    r = parse_environment({"HVF_WFI_SLEEP=60", "HVF_WFI_SLEEP=80"});
    EXPECT_EQ(r.seed_max_us, 60u);
}

// 200000 unrelated entries: a scan that compares each entry with every later
// one (2e10 steps) takes minutes; a linear one, milliseconds.
TEST(ConfigNames, TheScanIsLinearInTheEnvironment) {
    std::vector<std::string> store;
    store.reserve(200000);
    for (int i = 0; i < 200000; ++i) {
        store.push_back("VAR_" + std::to_string(i) + "=x");
    }
    std::vector<const char *> entries;
    entries.reserve(store.size() + 1);
    for (const auto &s : store) {
        entries.push_back(s.c_str());
    }
    entries.push_back("HVF_WFI_SLEEP=100");
    const auto t0 = std::chrono::steady_clock::now();
    const Result r = parse(entries);
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(r.policy, "seed");
    EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(ConfigNames, PolicyHvfAndSlackAreAlwaysValidated) {
    Result r = parse({"WFISLEEP_POLICY=adaptive", "HVF_WFI_SLEEP=junk"});
    EXPECT_NE(r.rc, 0);
    EXPECT_TRUE(contains(r.err, "HVF_WFI_SLEEP")) << r.err;
    r = parse({"WFISLEEP_POLICY=off", "WFISLEEP_TIMER_SLACK_NS=junk"});
    EXPECT_NE(r.rc, 0);
    EXPECT_TRUE(contains(r.err, "WFISLEEP_TIMER_SLACK_NS")) << r.err;
    r = parse({"WFISLEEP_POLICY=sometimes"});
    EXPECT_NE(r.rc, 0);
}

TEST(ConfigNames, AdaptiveSettingsAreValidatedOnlyUnderAdaptive) {
    for (const char *policy : {"WFISLEEP_POLICY=off", "WFISLEEP_POLICY=seed"}) {
        Result r = parse({policy, "HVF_WFI_SLEEP=100", "WFISLEEP_ADAPTIVE_POLL_MAX_NS=junk"});
        EXPECT_EQ(r.rc, 0) << policy << ": " << r.err;
        EXPECT_EQ("WFISLEEP_POLICY=" + r.policy, policy);
        r = parse({policy, "HVF_WFI_SLEEP=100", "WFISLEEP_ADAPTIVE_POLL_MIN_NS=500000",
                   "WFISLEEP_ADAPTIVE_POLL_MAX_NS=1000"});
        EXPECT_EQ(r.rc, 0) << policy << ": cross-field rules too: " << r.err;
    }
    const Result r = parse({"WFISLEEP_POLICY=adaptive", "WFISLEEP_ADAPTIVE_POLL_MAX_NS=junk"});
    EXPECT_NE(r.rc, 0);
}

TEST(ConfigNames, SeedSettingsAreValidatedOnlyUnderSeed) {
    Result r = parse(
        {"WFISLEEP_POLICY=adaptive", "WFISLEEP_BOOT_GRACE_MS=junk", "WFISLEEP_SEED_STRICT=7"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.policy, "adaptive");
    r = parse({"WFISLEEP_BOOT_GRACE_MS=junk"});  // off
    EXPECT_EQ(r.rc, 0) << r.err;
    r = parse({"HVF_WFI_SLEEP=100", "WFISLEEP_BOOT_GRACE_MS=junk"});
    EXPECT_NE(r.rc, 0);
    r = parse({"HVF_WFI_SLEEP=100", "WFISLEEP_SEED_STRICT=7"});
    EXPECT_NE(r.rc, 0);
}

// A value from a file with CRLF line ends must not break the error line.
TEST(ConfigNames, ControlCharactersInAnErrorAreEscaped) {
    const Result r = parse({"HVF_WFI_SLEEP=100\r\n\x1b"});
    EXPECT_NE(r.rc, 0);
    for (const char c : r.err) {
        EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << r.err;
    }
    EXPECT_TRUE(contains(r.err, "100\\r\\n\\x1b")) << r.err;
}

// A cross-field error names every variable of its rule with its value and
// where the value came from.
TEST(ConfigNames, ACrossFieldErrorNamesEachVariableWithItsValue) {
    const Result r =
        parse({"WFISLEEP_POLICY=adaptive", "WFISLEEP_ADAPTIVE_ADVANCE_MIN_NS=3000000"});
    EXPECT_NE(r.rc, 0);
    EXPECT_TRUE(contains(r.err, "WFISLEEP_ADAPTIVE_ADVANCE_MIN_NS=3000000 (set)")) << r.err;
    EXPECT_TRUE(contains(r.err, "WFISLEEP_ADAPTIVE_ADVANCE_MAX_NS=2000000 (default)")) << r.err;
    EXPECT_EQ(r.err.find('\n'), std::string::npos);
    const Result s = parse({"WFISLEEP_POLICY=seed"});
    EXPECT_TRUE(contains(s.err, "WFISLEEP_POLICY=seed")) << s.err;
    EXPECT_TRUE(contains(s.err, "HVF_WFI_SLEEP")) << s.err;
    EXPECT_TRUE(contains(s.err, "unset")) << s.err;
}

}  // namespace
