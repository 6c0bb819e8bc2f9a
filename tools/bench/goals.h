// goals.h - goals G1-G4 judged on one run's paired blocks with 95% intervals; never tuned.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "summary.h"

namespace wfisbench {

enum class Verdict { kMet, kNotMet, kInconclusive, kNotEvaluated };
const char *verdict_text(Verdict v);   // JSON: "met", "not met", "inconclusive", "not evaluated"
const char *verdict_label(Verdict v);  // table: the same with "NOT met" in capitals

// One check: the value's 95% interval against an absolute bound in its unit.
struct GoalCheck {
    std::string name;
    double value = 0;
    std::optional<double> ci_low, ci_high;  // nullopt: no interval (too few blocks, --quick)
    int pairs = 0;                          // blocks with both values, of the run's K
    std::string op;                         // "<=" or ">="
    double bound = 0;
    Verdict verdict = Verdict::kNotEvaluated;
};

// A figure printed beside a goal for reference (not judged).
struct GoalInfo {
    std::string name;
    double value = 0;
    std::optional<double> ci_low, ci_high;
};

struct GoalResult {
    std::string id;  // "G1".."G4", "G6"
    std::string title;
    Verdict verdict = Verdict::kNotEvaluated;
    std::vector<std::string> missing;  // why not evaluated
    std::vector<GoalCheck> checks;
    std::vector<GoalInfo> info;
    bool simulated = false;  // judged on simulated runs: not a real result
    bool quick = false;      // --quick: printed "not evaluated (quick)"
    int blocks = 0;          // K: the blocks each check's pairs are drawn from
};

// The verdict rule: met when the interval lies wholly on the good side of
// the bound (<=: ci_high <= bound; >=: ci_low >= bound), not met when wholly
// on the bad side, inconclusive otherwise or without an interval.
Verdict judge(const std::optional<double> &ci_low, const std::optional<double> &ci_high,
              const std::string &op, double bound);
// A goal: not met if any check is, met if all are (at least one), else
// inconclusive; not evaluated when anything is missing.
Verdict combine(const std::vector<GoalCheck> &checks, const std::vector<std::string> &missing);

// The exit status --fail-on-goals gives a run in which every run completed:
// 0 when every evaluated goal is met (or none was evaluated), 3 when any is
// NOT met, 4 when none is NOT met but some is inconclusive.
int goals_exit_status(const std::vector<GoalResult> &goals);

// Evaluates G1-G4 and G6. quick: every goal "not evaluated" (missing says
// why), with the checks' point values shown. tcg_missing: why the real-QEMU
// rows did not run ("" when they could), G6's reason when it is not evaluated.
std::vector<GoalResult> evaluate_goals(const std::vector<Group> &groups, bool quick = false,
                                       const std::string &tcg_missing = "");

}  // namespace wfisbench
