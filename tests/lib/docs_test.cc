// docs_test.cc - docs/configuration.md and README.md document every variable, incl. each adaptive
// tunable.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "policy/adaptive_policy.h"

namespace {

std::string read_file(const char *path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The table row of a variable: the line that starts with "| `NAME`".
std::string row_of(const std::string &doc, const std::string &name) {
    const std::string key = "| `" + name + "`";
    const size_t at = doc.find(key);
    if (at == std::string::npos) {
        return {};
    }
    return doc.substr(at, doc.find('\n', at) - at);
}

// Both the reference page and the README's configuration section.
class Docs : public ::testing::TestWithParam<const char *> {
  protected:
    std::string read_doc() const {
        return read_file((std::string(WFISLEEP_SOURCE_DIR "/") + GetParam()).c_str());
    }
};

TEST_P(Docs, ConfigurationDocumentsTheFixedVariables) {
    const std::string doc = read_doc();
    ASSERT_FALSE(doc.empty()) << GetParam() << " missing";
    for (const char *name :
         {"HVF_WFI_SLEEP", "WFISLEEP_POLICY", "WFISLEEP_BOOT_GRACE_MS", "WFISLEEP_SEED_STRICT",
          "WFISLEEP_TIMER_SLACK_NS"}) {
        EXPECT_FALSE(row_of(doc, name).empty()) << name << " has no table row in " << GetParam();
    }
}

TEST_P(Docs, ConfigurationDocumentsEveryAdaptiveTunableWithItsDefaultAndRange) {
    const std::string doc = read_doc();
    const wfisleep::AdaptiveParams defaults{};
    for (const auto &t : wfisleep::adaptive_tunables()) {
        const std::string row = row_of(doc, t.name);
        ASSERT_FALSE(row.empty()) << t.name
                                  << " (adaptive_tunables()) has no row \"| `NAME` |\" in "
                                  << GetParam() << ": add it";
        const std::string def = std::to_string(defaults.*t.field);
        const std::string range = std::to_string(t.min) + ".." + std::to_string(t.max);
        EXPECT_NE(row.find(" " + def + " "), std::string::npos)
            << t.name << ": default " << def << " not in its row: " << row;
        EXPECT_NE(row.find(range), std::string::npos)
            << t.name << ": range " << range << " not in its row: " << row;
    }
}

INSTANTIATE_TEST_SUITE_P(Files, Docs, ::testing::Values("docs/configuration.md", "README.md"),
                         [](const auto &param_info) {
                             return std::string(param_info.index == 0 ? "ConfigurationMd"
                                                                      : "Readme");
                         });

}  // namespace
