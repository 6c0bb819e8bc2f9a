// adaptive_tunables_test.cc - every adaptive tunable: a sane row, a valid default, documented.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "policy/adaptive_policy.h"

namespace {

using wfisleep::AdaptiveParams;

TEST(AdaptiveTunables, EveryFieldHasExactlyOneRow) {
    // AdaptiveParams holds only uint64_t tunables, so its size counts them.
    constexpr size_t kFields = sizeof(AdaptiveParams) / sizeof(uint64_t);
    const auto rows = wfisleep::adaptive_tunables();
    EXPECT_EQ(rows.size(), kFields);
    std::set<std::string> names;
    std::set<const void *> fields;
    const AdaptiveParams p;
    for (const auto &t : rows) {
        EXPECT_TRUE(names.insert(t.name).second) << "duplicate name " << t.name;
        EXPECT_TRUE(fields.insert(&(p.*t.field)).second) << "two rows for one field: " << t.name;
    }
}

TEST(AdaptiveTunables, RowsAreWellFormedAndDefaultsLieInRange) {
    const AdaptiveParams defaults;
    for (const auto &t : wfisleep::adaptive_tunables()) {
        const std::string name = t.name;
        EXPECT_EQ(name.rfind("WFISLEEP_ADAPTIVE_", 0), 0u) << name;
        for (const char c : name) {
            EXPECT_TRUE(isupper(c) || isdigit(c) || c == '_') << name;
        }
        EXPECT_LE(t.min, t.max) << name;
        EXPECT_GE(defaults.*t.field, t.min) << name << " default below its minimum";
        EXPECT_LE(defaults.*t.field, t.max) << name << " default above its maximum";
        ASSERT_NE(t.unit, nullptr) << name;
        ASSERT_NE(t.doc, nullptr) << name;
        EXPECT_GT(std::string(t.doc).size(), 10u) << name << " needs a real description";
        // A name ending in _NS is in ns, _PCT in %: the unit column agrees.
        if (name.ends_with("_NS")) {
            EXPECT_STREQ(t.unit, "ns") << name;
        }
        if (name.ends_with("_PCT")) {
            EXPECT_STREQ(t.unit, "%") << name;
        }
    }
}

TEST(AdaptiveTunables, DefaultsPassTheCrossFieldRules) {
    EXPECT_EQ(wfisleep::adaptive_params_error(AdaptiveParams{}), nullptr);
}

TEST(AdaptiveTunables, CrossFieldRulesNameTheVariables) {
    struct Case {
        void (*breakit)(AdaptiveParams &);
        const char *must_name;
    };
    const Case cases[] = {
        {[](AdaptiveParams &p) { p.advance_min_ns = p.advance_max_ns + 1; },
         "WFISLEEP_ADAPTIVE_ADVANCE_MIN_NS"},
        {[](AdaptiveParams &p) { p.advance_init_ns = p.advance_max_ns + 1; },
         "WFISLEEP_ADAPTIVE_ADVANCE_INIT_NS"},
        {[](AdaptiveParams &p) { p.poll_min_ns = p.poll_max_ns + 1; },
         "WFISLEEP_ADAPTIVE_POLL_MIN_NS"},
        {[](AdaptiveParams &p) { p.poll_init_ns = p.poll_max_ns + 1; },
         "WFISLEEP_ADAPTIVE_POLL_INIT_NS"},
    };
    for (const auto &c : cases) {
        AdaptiveParams p;
        c.breakit(p);
        const char *why = wfisleep::adaptive_params_error(p);
        ASSERT_NE(why, nullptr) << c.must_name;
        EXPECT_NE(std::string(why).find(c.must_name), std::string::npos) << why;
        EXPECT_EQ(std::string(why).find('\n'), std::string::npos) << "one line";
    }
}

TEST(AdaptiveTunables, EveryValueWithinTheRowsIsSafeToConstruct) {
    // The parser only checks min..max and the cross-field rules; the policy
    // must then never divide by zero or overflow. Try every row at its ends.
    for (const auto &t : wfisleep::adaptive_tunables()) {
        for (const uint64_t v : {t.min, t.max}) {
            AdaptiveParams p;
            p.*t.field = v;
            if (wfisleep::adaptive_params_error(p) != nullptr) {
                continue;
            }
            wfisleep::AdaptivePolicy pol(p);
            uint64_t now = 1000;
            for (int i = 0; i < 50; ++i) {
                const uint64_t d = i % 4 == 0 ? WFISLEEP_NO_DEADLINE : now + 3000000;
                const wfisleep_plan plan = pol.plan(now, false, d);
                if (d != WFISLEEP_NO_DEADLINE) {
                    ASSERT_LE(plan.poll_ns, d - now) << t.name << "=" << v;
                    ASSERT_LE(plan.sleep_ns, d - now - plan.poll_ns) << t.name << "=" << v;
                    ASSERT_LE(plan.spin_ns, d - now - plan.poll_ns - plan.sleep_ns)
                        << t.name << "=" << v;
                }
                const uint64_t end = now + plan.poll_ns + 40000;
                pol.done(end, i % 3 == 0, i % 2 ? end - 1000 : 0);
                ASSERT_LE(pol.advance_ns(), p.advance_max_ns) << t.name << "=" << v;
                ASSERT_LE(pol.poll_window_ns(), p.poll_max_ns) << t.name << "=" << v;
                now = end + 100000;
            }
        }
    }
}

std::string read_file(const std::string &path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(AdaptiveTunables, DocsAdaptiveMdListsEachWithDefaultAndUnit) {
    const std::string doc = read_file(WFISLEEP_SOURCE_DIR "/docs/adaptive.md");
    ASSERT_FALSE(doc.empty()) << "docs/adaptive.md missing";
    const AdaptiveParams defaults;
    for (const auto &t : wfisleep::adaptive_tunables()) {
        const std::string key = "| `" + std::string(t.name) + "`";
        const size_t at = doc.find(key);
        ASSERT_NE(at, std::string::npos) << t.name << " has no row in docs/adaptive.md";
        const std::string row = doc.substr(at, doc.find('\n', at) - at);
        EXPECT_NE(row.find("| " + std::to_string(defaults.*t.field) + " |"), std::string::npos)
            << t.name << ": default missing from its row: " << row;
        const std::string unit = *t.unit ? t.unit : "count";
        EXPECT_NE(row.find("| " + unit + " |"), std::string::npos)
            << t.name << ": unit " << unit << " missing from its row: " << row;
    }
}

}  // namespace
