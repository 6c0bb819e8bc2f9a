// seed_messages_test.cc - the seed's two console lines, exact text for several configs.
#include "policy/seed_messages.h"

#include <gtest/gtest.h>

#include <string>

#include "log_capture.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep {
namespace {

std::string announce(uint64_t max_us, uint64_t grace_ms) {
    SeedParams p;
    p.max_us = max_us;
    p.grace_ms = grace_ms;
    char buf[256];
    seed_announce_line(p, buf, sizeof buf);
    return buf;
}

std::string activation(uint64_t max_us) {
    SeedParams p;
    p.max_us = max_us;
    char buf[256];
    seed_activation_line(p, buf, sizeof buf);
    return buf;
}

TEST(SeedMessages, DefaultConfigMatchesTheDocument) {
    EXPECT_EQ(announce(100, 15000),
              "HVF: WFI adaptive sleep: max 100 \xce\xbc"
              "s (activates after 15s, requires sustained idle)");
    EXPECT_EQ(activation(100), "HVF: WFI sleep NOW ACTIVE (adaptive: 10 -> 100 \xce\xbcs)");
}

TEST(SeedMessages, MuIsUnicodeGreekSmallLetterMu) {
    // U+03BC, not U+00B5 (MICRO SIGN): UTF-8 CE BC.
    const std::string s = activation(100);
    EXPECT_NE(s.find("\xce\xbc"), std::string::npos);
    EXPECT_EQ(s.find("\xc2\xb5"), std::string::npos);
}

TEST(SeedMessages, TenPercentTrimsTrailingZeros) {
    EXPECT_EQ(activation(5), "HVF: WFI sleep NOW ACTIVE (adaptive: 0.5 -> 5 \xce\xbcs)");
    EXPECT_EQ(activation(1), "HVF: WFI sleep NOW ACTIVE (adaptive: 0.1 -> 1 \xce\xbcs)");
    EXPECT_EQ(activation(15), "HVF: WFI sleep NOW ACTIVE (adaptive: 1.5 -> 15 \xce\xbcs)");
    EXPECT_EQ(activation(50), "HVF: WFI sleep NOW ACTIVE (adaptive: 5 -> 50 \xce\xbcs)");
    EXPECT_EQ(activation(10000), "HVF: WFI sleep NOW ACTIVE (adaptive: 1000 -> 10000 \xce\xbcs)");
}

TEST(SeedMessages, GraceInSecondsTrimmed) {
    EXPECT_NE(announce(100, 1500).find("(activates after 1.5s,"), std::string::npos);
    EXPECT_NE(announce(100, 1050).find("(activates after 1.05s,"), std::string::npos);
    EXPECT_NE(announce(100, 1).find("(activates after 0.001s,"), std::string::npos);
    EXPECT_NE(announce(100, 0).find("(activates after 0s,"), std::string::npos);
    EXPECT_NE(announce(100, 600000).find("(activates after 600s,"), std::string::npos);
    EXPECT_EQ(announce(5, 1500),
              "HVF: WFI adaptive sleep: max 5 \xce\xbcs (activates after 1.5s, requires sustained "
              "idle)");
}

TEST(SeedMessages, FormatTrimmed) {
    char buf[32];
    format_trimmed(5, 1, buf, sizeof buf);
    EXPECT_STREQ(buf, "0.5");
    format_trimmed(120, 3, buf, sizeof buf);
    EXPECT_STREQ(buf, "0.12");
    format_trimmed(15000, 3, buf, sizeof buf);
    EXPECT_STREQ(buf, "15");
    format_trimmed(7, 0, buf, sizeof buf);
    EXPECT_STREQ(buf, "7");
    format_trimmed(0, 3, buf, sizeof buf);
    EXPECT_STREQ(buf, "0");
}

TEST(SeedMessages, ParsingASeedConfigAnnouncesItThroughTheHook) {
    test::LogCapture log;
    const char *vars[] = {"HVF_WFI_SLEEP=5", "WFISLEEP_BOOT_GRACE_MS=1500", nullptr};
    wfisleep_config *cfg = nullptr;
    ASSERT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    const auto lines = log.lines();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0],
              "HVF: WFI adaptive sleep: max 5 \xce\xbcs (activates after 1.5s, requires sustained "
              "idle)");
    wfisleep_config_free(cfg);
}

TEST(SeedMessages, OffConfigAnnouncesNothing) {
    test::LogCapture log;
    const char *vars[] = {"HVF_WFI_SLEEP=0", nullptr};
    wfisleep_config *cfg = nullptr;
    ASSERT_EQ(wfisleep_config_parse(&cfg, vars, nullptr, 0), 0);
    EXPECT_TRUE(log.lines().empty());
    wfisleep_config_free(cfg);
}

}  // namespace
}  // namespace wfisleep
