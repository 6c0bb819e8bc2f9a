// config_parse_test.cc - config parsing from a NAME=VALUE list: values, errors, repeats, unknown
// names.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "config/config.h"
#include "log_capture.h"
#include "policy/adaptive_policy.h"
#include "wfisleep/wfisleep.h"

namespace {

struct Parsed {
    int rc = 0;
    std::string policy;
    std::string err;
    std::string describe;
    std::vector<std::string> log;
    wfisleep::SeedParams seed;
    wfisleep::AdaptiveParams adaptive;
};

Parsed parse(std::vector<const char *> vars) {
    vars.push_back(nullptr);
    Parsed out;
    wfisleep::test::LogCapture log;
    wfisleep_config *cfg = nullptr;
    char err[512];
    memset(err, 'x', sizeof err);
    out.rc = wfisleep_config_parse(&cfg, vars.data(), err, sizeof err);
    EXPECT_NE(cfg, nullptr);
    out.err = err;
    out.policy = wfisleep_config_policy(cfg);
    char buf[2048];
    wfisleep_config_describe(cfg, buf, sizeof buf);
    out.describe = buf;
    out.seed = cfg->seed;
    out.adaptive = cfg->adaptive;
    out.log = log.lines();
    wfisleep_config_free(cfg);
    return out;
}

bool contains(const std::string &s, const std::string &needle) {
    return s.find(needle) != std::string::npos;
}

TEST(ConfigParse, EmptyListIsOff) {
    const Parsed p = parse({});
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.policy, "off");
    EXPECT_EQ(p.err, "");
    EXPECT_TRUE(p.log.empty());
}

TEST(ConfigParse, HvfWfiSleepEnablesSeed) {
    const Parsed p = parse({"HVF_WFI_SLEEP=100"});
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.policy, "seed");
    EXPECT_EQ(p.seed.max_us, 100u);
    EXPECT_EQ(p.seed.grace_ms, 15000u);
    EXPECT_FALSE(p.seed.strict);
    EXPECT_EQ(p.describe,
              "policy=seed HVF_WFI_SLEEP=100 WFISLEEP_BOOT_GRACE_MS=15000 WFISLEEP_SEED_STRICT=0 "
              "WFISLEEP_TIMER_SLACK_NS=keep");
}

TEST(ConfigParse, HvfWfiSleepBounds) {
    EXPECT_EQ(parse({"HVF_WFI_SLEEP=1"}).seed.max_us, 1u);
    EXPECT_EQ(parse({"HVF_WFI_SLEEP=10000"}).seed.max_us, 10000u);
    EXPECT_EQ(parse({"HVF_WFI_SLEEP=000100"}).seed.max_us, 100u);  // leading zeros
    for (const char *off : {"HVF_WFI_SLEEP=0", "HVF_WFI_SLEEP=", "HVF_WFI_SLEEP=0000"}) {
        const Parsed p = parse({off});
        EXPECT_EQ(p.rc, 0) << off;
        EXPECT_EQ(p.policy, "off") << off;
    }
}

TEST(ConfigParse, EveryBadNumberKindIsRejectedWithOneLine) {
    const char *bad[] = {"-1",
                         "+5",
                         " 5",
                         "5 ",
                         "5us",
                         "abc",
                         "0x10",
                         "1e3",
                         "1.5",
                         "10001",
                         "99999999999999999999999",
                         "\t7",
                         "4294967396"};
    for (const char *v : bad) {
        const std::string entry = std::string("HVF_WFI_SLEEP=") + v;
        const Parsed p = parse({entry.c_str()});
        EXPECT_NE(p.rc, 0) << entry;
        EXPECT_EQ(p.policy, "off") << entry;
        EXPECT_TRUE(contains(p.err, "HVF_WFI_SLEEP")) << p.err;
        const std::string shown = v[0] == '\t' ? std::string("\\t") + (v + 1) : v;
        EXPECT_TRUE(contains(p.err, "\"" + shown + "\"")) << p.err;
        EXPECT_TRUE(contains(p.err, "1..10000")) << p.err;
        EXPECT_FALSE(contains(p.err, "\n")) << p.err;
        EXPECT_TRUE(p.log.empty()) << "error goes to err, not to the log, when err is given";
    }
}

TEST(ConfigParse, GraceAndStrict) {
    Parsed p = parse({"HVF_WFI_SLEEP=50", "WFISLEEP_BOOT_GRACE_MS=0", "WFISLEEP_SEED_STRICT=1"});
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.seed.grace_ms, 0u);
    EXPECT_TRUE(p.seed.strict);
    EXPECT_EQ(parse({"HVF_WFI_SLEEP=50", "WFISLEEP_BOOT_GRACE_MS=600000"}).seed.grace_ms, 600000u);

    p = parse({"HVF_WFI_SLEEP=50", "WFISLEEP_BOOT_GRACE_MS=600001"});
    EXPECT_NE(p.rc, 0);
    EXPECT_EQ(p.policy, "off");
    EXPECT_TRUE(contains(p.err, "WFISLEEP_BOOT_GRACE_MS=\"600001\"")) << p.err;
    EXPECT_TRUE(contains(p.err, "0..600000")) << p.err;

    p = parse({"HVF_WFI_SLEEP=50", "WFISLEEP_SEED_STRICT=2"});
    EXPECT_NE(p.rc, 0);
    EXPECT_TRUE(contains(p.err, "WFISLEEP_SEED_STRICT=\"2\"")) << p.err;
    EXPECT_TRUE(contains(p.err, "0..1")) << p.err;
    p = parse({"HVF_WFI_SLEEP=50", "WFISLEEP_SEED_STRICT=yes"});
    EXPECT_NE(p.rc, 0);
}

TEST(ConfigParse, PolicyNames) {
    EXPECT_EQ(parse({"WFISLEEP_POLICY=off", "HVF_WFI_SLEEP=100"}).policy, "off");
    EXPECT_EQ(parse({"WFISLEEP_POLICY=seed", "HVF_WFI_SLEEP=100"}).policy, "seed");
    const Parsed a = parse({"WFISLEEP_POLICY=adaptive"});
    EXPECT_EQ(a.rc, 0);
    EXPECT_EQ(a.policy, "adaptive");
    EXPECT_TRUE(contains(a.describe, "policy=adaptive"));
    ASSERT_EQ(a.log.size(), 1u);  // adaptive announces itself with its settings
    EXPECT_TRUE(contains(a.log[0], "adaptive"));
    EXPECT_TRUE(contains(a.log[0], "poll_max_ns="));
    for (const char *bad : {"WFISLEEP_POLICY=Seed", "WFISLEEP_POLICY=", "WFISLEEP_POLICY=spin",
                            "WFISLEEP_POLICY=adaptive "}) {
        const Parsed p = parse({bad, "HVF_WFI_SLEEP=100"});
        EXPECT_NE(p.rc, 0) << bad;
        EXPECT_EQ(p.policy, "off") << bad;
        EXPECT_TRUE(contains(p.err, "WFISLEEP_POLICY")) << p.err;
        EXPECT_TRUE(contains(p.err, "off, seed or adaptive")) << p.err;
    }
}

TEST(ConfigParse, SeedWithoutValidHvfWfiSleepIsAnError) {
    for (const std::vector<const char *> &vars :
         {std::vector<const char *>{"WFISLEEP_POLICY=seed"},
          std::vector<const char *>{"WFISLEEP_POLICY=seed", "HVF_WFI_SLEEP=0"},
          std::vector<const char *>{"WFISLEEP_POLICY=seed", "HVF_WFI_SLEEP="}}) {
        const Parsed p = parse(vars);
        EXPECT_NE(p.rc, 0);
        EXPECT_EQ(p.policy, "off");
        EXPECT_TRUE(contains(p.err, "WFISLEEP_POLICY=seed")) << p.err;
        EXPECT_TRUE(contains(p.err, "HVF_WFI_SLEEP=1..10000")) << p.err;
    }
    const Parsed p = parse({"WFISLEEP_POLICY=seed", "HVF_WFI_SLEEP=abc"});
    EXPECT_NE(p.rc, 0);
    EXPECT_TRUE(contains(p.err, "HVF_WFI_SLEEP=\"abc\"")) << p.err;
}

TEST(ConfigParse, AdaptiveIgnoresHvfWfiSleep) {
    const Parsed p = parse({"WFISLEEP_POLICY=adaptive", "HVF_WFI_SLEEP=100"});
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.policy, "adaptive");
    ASSERT_EQ(p.log.size(), 1u);
    EXPECT_FALSE(contains(p.log[0], "HVF:"));
}

TEST(ConfigParse, EntryWithoutEqualsIsAnErrorOnlyForOurNames) {
    const Parsed p = parse({"HVF_WFI_SLEEP=100", "HVF_WFI_SLEEP"});
    EXPECT_NE(p.rc, 0);
    EXPECT_EQ(p.policy, "off");
    EXPECT_TRUE(contains(p.err, "\"HVF_WFI_SLEEP\"")) << p.err;
    EXPECT_TRUE(contains(p.err, "NAME=VALUE")) << p.err;
    EXPECT_EQ(parse({"SOMETHING"}).rc, 0) << "not ours: not looked at";
}

TEST(ConfigParse, UnknownWfisleepNameWarnsOtherNamesAreIgnored) {
    Parsed p = parse({"WFISLEEP_POLICI=seed", "HVF_WFI_SLEEP=100"});
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.policy, "seed");
    ASSERT_EQ(p.log.size(), 2u);
    EXPECT_TRUE(contains(p.log[0], "WFISLEEP_POLICI")) << p.log[0];
    EXPECT_TRUE(contains(p.log[0], "unknown")) << p.log[0];
    p = parse({"PATH=/usr/bin", "HOME=/root", "HVF_OTHER=1", "=5"});
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.policy, "off");
    EXPECT_TRUE(p.log.empty());
}

TEST(ConfigParse, EveryAdaptiveTunableIsParsedAndRangeChecked) {
    const wfisleep::AdaptiveParams defaults{};
    for (const auto &t : wfisleep::adaptive_tunables()) {
        const std::string name = t.name;
        // Its default, written out, is accepted and lands in the field.
        const std::string ok = name + "=" + std::to_string(defaults.*t.field);
        Parsed p = parse({"WFISLEEP_POLICY=adaptive", ok.c_str()});
        EXPECT_EQ(p.rc, 0) << ok << ": " << p.err;
        EXPECT_EQ(p.adaptive.*t.field, defaults.*t.field) << ok;
        EXPECT_TRUE(contains(p.describe, ok)) << p.describe;
        // Not digits.
        const std::string nd = name + "=12ms";
        p = parse({"WFISLEEP_POLICY=adaptive", nd.c_str()});
        EXPECT_NE(p.rc, 0) << nd;
        EXPECT_EQ(p.policy, "off");
        EXPECT_TRUE(contains(p.err, name + "=\"12ms\"")) << p.err;
        const std::string range = std::to_string(t.min) + ".." + std::to_string(t.max);
        EXPECT_TRUE(contains(p.err, range)) << p.err;
        // Outside the range on either side.
        if (t.max < UINT64_MAX) {
            const std::string hi = name + "=" + std::to_string(t.max + 1);
            EXPECT_NE(parse({"WFISLEEP_POLICY=adaptive", hi.c_str()}).rc, 0) << hi;
        }
        if (t.min > 0) {
            const std::string lo = name + "=" + std::to_string(t.min - 1);
            EXPECT_NE(parse({"WFISLEEP_POLICY=adaptive", lo.c_str()}).rc, 0) << lo;
        }
    }
}

TEST(ConfigParse, AValueChangesTheAdaptiveField) {
    const auto rows = wfisleep::adaptive_tunables();
    ASSERT_FALSE(rows.empty());
    // Pick a row and a value in range but different from the default that the
    // cross-field rules accept: try a few and require one to work.
    const wfisleep::AdaptiveParams defaults{};
    int changed = 0;
    for (const auto &t : rows) {
        const uint64_t v = defaults.*t.field == t.min ? t.min + 1 : defaults.*t.field - 1;
        if (v < t.min || v > t.max) {
            continue;
        }
        const std::string e = std::string(t.name) + "=" + std::to_string(v);
        const Parsed p = parse({"WFISLEEP_POLICY=adaptive", e.c_str()});
        if (p.rc == 0) {
            EXPECT_EQ(p.adaptive.*t.field, v) << e;
            ++changed;
        }
    }
    EXPECT_GT(changed, 0);
}

TEST(ConfigParse, CrossFieldErrorFallsBackToOff) {
    // Find a pair min > max among the tunables through the policy's own check.
    const Parsed p = parse({"WFISLEEP_POLICY=adaptive", "WFISLEEP_ADAPTIVE_POLL_MIN_NS=500000",
                            "WFISLEEP_ADAPTIVE_POLL_MAX_NS=1000"});
    EXPECT_NE(p.rc, 0);
    EXPECT_EQ(p.policy, "off");
    EXPECT_TRUE(contains(p.err, "WFISLEEP_ADAPTIVE_POLL_MIN_NS")) << p.err;
}

TEST(ConfigParse, ErrorIsTruncatedAndTerminated) {
    const char *vars[] = {"HVF_WFI_SLEEP=abc", nullptr};
    wfisleep_config *cfg = nullptr;
    char err[10];
    memset(err, 'x', sizeof err);
    EXPECT_NE(wfisleep_config_parse(&cfg, vars, err, sizeof err), 0);
    EXPECT_EQ(strlen(err), 9u);
    EXPECT_STREQ(wfisleep_config_policy(cfg), "off");
    wfisleep_config_free(cfg);
}

TEST(ConfigParse, WithoutAnErrorBufferTheErrorIsLogged) {
    wfisleep::test::LogCapture log;
    const char *vars[] = {"HVF_WFI_SLEEP=abc", nullptr};
    wfisleep_config *cfg = nullptr;
    EXPECT_NE(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    EXPECT_EQ(log.count_containing("HVF_WFI_SLEEP=\"abc\""), 1u);
    wfisleep_config_free(cfg);
}

TEST(ConfigParse, NullOutIsAnError) {
    const char *vars[] = {nullptr};
    char err[128];
    EXPECT_EQ(wfisleep_config_parse(nullptr, vars, err, sizeof err), -1);
    EXPECT_TRUE(contains(err, "out"));
}

TEST(ConfigParse, LongValueIsCutInTheMessage) {
    const std::string entry = "HVF_WFI_SLEEP=" + std::string(5000, '9');
    const Parsed p = parse({entry.c_str()});
    EXPECT_NE(p.rc, 0);
    EXPECT_LT(p.err.size(), 300u);
    EXPECT_TRUE(contains(p.err, "...")) << p.err;
}

}  // namespace
