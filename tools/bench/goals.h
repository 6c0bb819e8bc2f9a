// goals.h - the project's four goals (issue 4), evaluated on one run's medians; never tuned.
#pragma once

#include <string>
#include <vector>

#include "summary.h"

namespace wfisbench {

enum class GoalStatus { kMet, kNotMet, kNotEvaluated };
const char *goal_status_text(GoalStatus s);  // "met", "NOT met", "not evaluated"

// One comparison: value <= factor x reference (or >= for work rate).
struct GoalCheck {
    std::string text;  // human line with the numbers
    bool pass = false;
    double value = 0, reference = 0, factor = 0;
    bool info = false;  // shown for comparison, not part of the goal
};

struct GoalResult {
    int id = 0;
    std::string title;
    GoalStatus status = GoalStatus::kNotEvaluated;
    std::string missing;  // why not evaluated
    std::vector<GoalCheck> checks;
    bool simulated = false;  // judged on simulated runs: not a real result
};

// Evaluates goals 1-4 from the groups (medians of completed runs).
std::vector<GoalResult> evaluate_goals(const std::vector<Group> &groups);

}  // namespace wfisbench
