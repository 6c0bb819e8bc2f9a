// label_placement_test.cc - labels of a dense cluster never overlap each other or the markers,
// stay inside the plot, and sit next to their point; the placement is deterministic.
#include "label_placement.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace wfisbench;

namespace {

Box marker(double x, double y) {
    return {x - 4, y - 4, x + 4, y + 4};
}

}  // namespace

TEST(LabelPlacement, IntersectsNeedsSharedInterior) {
    EXPECT_TRUE(intersects({0, 0, 10, 10}, {5, 5, 15, 15}));
    EXPECT_FALSE(intersects({0, 0, 10, 10}, {10, 0, 20, 10}));  // touching edge
    EXPECT_FALSE(intersects({0, 0, 10, 10}, {0, 11, 10, 20}));
}

TEST(LabelPlacement, FirstChoiceIsRightOfThePoint) {
    auto b = place_labels({{100, 100, 40, 12}}, {marker(100, 100)}, {0, 0, 400, 300}, 6);
    ASSERT_EQ(b.size(), 1u);
    ASSERT_TRUE(b[0]);
    EXPECT_DOUBLE_EQ(b[0]->x0, 106);
    EXPECT_DOUBLE_EQ(b[0]->y0, 94);
    // At the right edge it moves to the left.
    auto l = place_labels({{390, 100, 40, 12}}, {}, {0, 0, 400, 300}, 6);
    ASSERT_TRUE(l[0]);
    EXPECT_DOUBLE_EQ(l[0]->x1, 384);
}

TEST(LabelPlacement, AvoidsSoftBoxesWhenItCan) {
    // A horizontal whisker through the point: the label goes above, not on it.
    const Box whisker{40, 99, 300, 101};
    auto b = place_labels({{100, 100, 40, 12}}, {marker(100, 100)}, {0, 0, 400, 300}, 6, {whisker});
    ASSERT_TRUE(b[0]);
    EXPECT_FALSE(intersects(*b[0], whisker));
    EXPECT_DOUBLE_EQ(b[0]->y0, 106);
    // Whiskers everywhere: the label still gets a place (crossing one).
    std::vector<Box> grid;
    for (double y = 0; y < 300; y += 4) grid.push_back({0, y, 400, y + 1});
    auto c = place_labels({{100, 100, 40, 12}}, {}, {0, 0, 400, 300}, 6, grid);
    ASSERT_TRUE(c[0]);
    EXPECT_DOUBLE_EQ(c[0]->x0, 106);
}

TEST(LabelPlacement, DenseClusterNeverOverlaps) {
    // 12 points within 30 px of each other, labels as wide as governor specs.
    std::vector<LabelRequest> req;
    std::vector<Box> markers;
    const Box area{0, 0, 560, 380};
    for (int i = 0; i < 12; i++) {
        double x = 280 + 30 * std::sin(i * 2.4), y = 190 + 30 * std::cos(i * 1.7);
        req.push_back({x, y, text_width_px(i % 2 ? "seed:max_us=100" : "kvm-haltpoll", 11), 12});
        markers.push_back(marker(x, y));
    }
    auto boxes = place_labels(req, markers, area, 6);
    ASSERT_EQ(boxes.size(), req.size());
    int placed = 0;
    for (size_t i = 0; i < boxes.size(); i++) {
        if (!boxes[i]) continue;
        placed++;
        const Box &b = *boxes[i];
        EXPECT_GE(b.x0, area.x0);
        EXPECT_LE(b.x1, area.x1);
        EXPECT_GE(b.y0, area.y0);
        EXPECT_LE(b.y1, area.y1);
        for (size_t j = 0; j < boxes.size(); j++)
            if (j != i && boxes[j]) {
                EXPECT_FALSE(intersects(b, *boxes[j])) << i << " vs " << j;
            }
        for (const auto &m : markers) EXPECT_FALSE(intersects(b, m)) << "label " << i;
        // Within three gaps (plus the box itself) of its point.
        const double cx = std::max(b.x0 - req[i].x, req[i].x - b.x1);
        const double cy = std::max(b.y0 - req[i].y, req[i].y - b.y1);
        EXPECT_LE(std::max(cx, cy), 18.0 + 1e-9) << "label " << i;
    }
    EXPECT_GE(placed, 6);  // a dense cluster still gets most of its labels
    // Deterministic: the same input gives the same boxes.
    auto again = place_labels(req, markers, area, 6);
    for (size_t i = 0; i < boxes.size(); i++) {
        ASSERT_EQ(boxes[i].has_value(), again[i].has_value());
        if (boxes[i]) {
            EXPECT_DOUBLE_EQ(boxes[i]->x0, again[i]->x0);
        }
    }
}

TEST(LabelPlacement, NoRoomLeavesTheLabelOut) {
    // A label wider than the plot cannot be placed.
    auto b = place_labels({{50, 50, 500, 12}}, {}, {0, 0, 100, 100}, 6);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_FALSE(b[0].has_value());
}

TEST(LabelPlacement, WidthGrowsWithTheText) {
    EXPECT_GT(text_width_px("seed:max_us=100", 11), text_width_px("off", 11));
    EXPECT_GE(text_width_px("adaptive", 11), 8 * 0.55 * 11);
}
