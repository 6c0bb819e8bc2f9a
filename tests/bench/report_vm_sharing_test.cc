// report_vm_sharing_test.cc - the reports say which runs shared a VM (A/B) and which were fresh.
#include "report_vm_sharing.h"

#include <gtest/gtest.h>

namespace wfisbench {
namespace {

using nlohmann::json;

json ab_run(double counted_s, int segment_ms = 250, int settle_ms = 50) {
    return json{{"governor", "adaptive"},
                {"in_vm_ab",
                 {{"segments", 4},
                  {"counted_s", counted_s},
                  {"segment_ms", segment_ms},
                  {"settle_ms", settle_ms}}}};
}

TEST(VmSharing, FreshVmsOnly) {
    json doc{{"runs", json::array({json{{"governor", "off"}}, json{{"governor", "adaptive"}}})}};
    EXPECT_EQ(vm_sharing_clause(doc), "each a fresh VM");
    EXPECT_EQ(vm_sharing_clause(json::object()), "each a fresh VM");
    EXPECT_EQ(vm_sharing_clause(json("not a document")), "each a fresh VM");
}

TEST(VmSharing, CountsSharedRunsAndTheirSegments) {
    json doc{{"runs", json::array({ab_run(0.8), ab_run(0.6), ab_run(0.9),
                                   json{{"governor", "inkernel"}}})}};
    EXPECT_EQ(vm_sharing_clause(doc),
              "3 of them A/B in one VM per block and scenario (alternating every 250 ms, the "
              "first 50 ms of each segment discarded, each governor's figures pooled over its "
              "segments, median 0.80 s counted per run), the other 1 each a fresh VM");
}

TEST(VmSharing, AllShared) {
    json doc{{"runs", json::array({ab_run(0.8), ab_run(0.8)})}};
    EXPECT_EQ(vm_sharing_clause(doc),
              "all of them A/B in one VM per block and scenario (alternating every 250 ms, the "
              "first 50 ms of each segment discarded, each governor's figures pooled over its "
              "segments, median 0.80 s counted per run)");
}

TEST(VmSharing, MixedSegmentLengthsAreNotNamed) {
    json doc{{"runs", json::array({ab_run(0.8, 250, 50), ab_run(0.4, 100, 20)})}};
    const std::string s = vm_sharing_clause(doc);
    EXPECT_NE(s.find("alternating in segments, the first part of each discarded"),
              std::string::npos)
        << s;
    EXPECT_EQ(s.find("250 ms"), std::string::npos) << s;
}

}  // namespace
}  // namespace wfisbench
