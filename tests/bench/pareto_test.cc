// pareto_test.cc - the frontier: dominated points leave it, ties and trade-offs stay.
#include "pareto.h"

#include <gtest/gtest.h>

using namespace wfisbench;

TEST(Pareto, EmptyAndSingle) {
    EXPECT_TRUE(pareto_frontier({}).empty());
    EXPECT_EQ(pareto_frontier({{3, 4}}), std::vector<bool>{true});
}

TEST(Pareto, DominatedPointsLeaveTheFrontier) {
    // (1,5) and (5,1) trade off; (2,2) beats (3,3) and (2,6); (5,1) beats (6,1).
    std::vector<std::pair<double, double>> p = {{1, 5}, {3, 3}, {2, 2}, {5, 1}, {2, 6}, {6, 1}};
    std::vector<bool> want = {true, false, true, true, false, false};
    EXPECT_EQ(pareto_frontier(p), want);
}

TEST(Pareto, EqualOnOneAxisNeedsBetterOnTheOther) {
    // (1,2) is <= (1,3) on both and < on one: (1,3) is dominated. Identical
    // points dominate neither.
    std::vector<std::pair<double, double>> p = {{1, 3}, {1, 2}, {4, 0.5}, {4, 0.5}};
    std::vector<bool> want = {false, true, true, true};
    EXPECT_EQ(pareto_frontier(p), want);
}
