// goals.h - goals G1-G6 judged on one run's paired blocks (Holm within a goal); never tuned.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "summary.h"

namespace wfisbench {

enum class Verdict { kMet, kNotMet, kInconclusive, kNotEvaluated };
const char *verdict_text(Verdict v);   // JSON: "met", "not met", "inconclusive", "not evaluated"
const char *verdict_label(Verdict v);  // table: the same with "NOT met" in capitals

// One check: the value's interval against an absolute bound in its unit.
// G1-G5: each side (met, NOT met) is an exact one-sided signed-rank test of
// the per-block figures against the bound, Holm-corrected over the goal's
// checks at family alpha 0.05; the interval is printed at the level Holm
// gave the check on the side its estimate lies, so "met" is still "the
// whole interval on the good side". G6: 95% intervals, unadjusted.
struct GoalCheck {
    std::string name;
    double value = 0;
    std::optional<double> ci_low, ci_high;  // nullopt: no interval (too few blocks, --quick)
    int pairs = 0;                          // blocks with both values, of the run's K
    std::string op;                         // "<=" or ">="
    double bound = 0;
    Verdict verdict = Verdict::kNotEvaluated;
    double coverage = 0.95;  // the printed interval's nominal two-sided level
    double p_met = 1;        // one-sided p-values (G1-G5), before Holm
    double p_not_met = 1;
    std::string not_evaluated;  // why this check was left out (the goal goes on without it)
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
    int min_blocks = 0;      // the fewest blocks that can decide its checks at all
};

// Family alpha of each goal's Holm procedure, per side.
constexpr double kGoalAlpha = 0.05;

// The fewest paired blocks whose exact one-sided signed-rank test can reach
// Holm's most stringent level alpha / checks: 2^-n <= alpha / checks.
int min_blocks_for(int checks, double alpha = kGoalAlpha);

// Holm's step-down over p-values at family alpha: rejected[i] and the level
// level[i] check i was (or, once the procedure stopped, would have been)
// tested at; p[i] <= level[i] exactly when rejected[i].
void holm(const std::vector<double> &p, double alpha, std::vector<bool> *rejected,
          std::vector<double> *level);

// The verdict rule: met when the interval lies wholly on the good side of
// the bound (<=: ci_high <= bound; >=: ci_low >= bound), not met when wholly
// on the bad side, inconclusive otherwise or without an interval.
Verdict judge(const std::optional<double> &ci_low, const std::optional<double> &ci_high,
              const std::string &op, double bound);
// A goal: not met if any check is, met if all evaluated ones are (at least
// one), else inconclusive; not evaluated when anything is missing. Checks
// left out on purpose (not_evaluated set) do not count.
Verdict combine(const std::vector<GoalCheck> &checks, const std::vector<std::string> &missing);

// The exit status --fail-on-goals gives a run in which every run completed:
// 0 when every evaluated goal is met (or none was evaluated), 3 when any is
// NOT met, 4 when none is NOT met but some is inconclusive.
int goals_exit_status(const std::vector<GoalResult> &goals);

// Evaluates G1-G6 (G1-G5 on the test bed, G6 on real QEMU). quick: every goal "not evaluated"
// (missing says why), with the checks' point values shown. tcg_missing: why the real-QEMU rows did
// not run ("" when they could), G6's reason when it is not evaluated.
std::vector<GoalResult> evaluate_goals(const std::vector<Group> &groups, bool quick = false,
                                       const std::string &tcg_missing = "");

}  // namespace wfisbench
