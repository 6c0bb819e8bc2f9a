// report_table.h - the human report: per-scenario tables (median (min-max), ratios) and goals.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "goals.h"
#include "matrix.h"
#include "summary.h"

namespace wfisbench {

// Short number without exponent: 3 significant digits, whole numbers from 1000.
std::string fmt_num(double v);
// "median (min-max)", or "median" for one run, or "-" when empty.
std::string fmt_range(const std::optional<Range> &r);

// The note under every table on percentiles, n, k/N and pairs.
extern const char *const kTailsNote;

// Tables for every scenario, in group order.
// intervals: ratios carry their 95% interval (false with --quick); commit
// (when given) is named in every table's heading.
std::string format_tables(const std::vector<Group> &groups, double seconds, int repeat,
                          bool intervals = true, const std::string &commit = "");
std::string format_goals(const std::vector<GoalResult> &goals);
// The flagged runs with their reasons and, when any block was flagged, the
// goals judged again without those blocks ("" when nothing was flagged).
std::string format_flagged(const std::vector<RunResult> &runs, const std::set<int> &blocks,
                           const std::vector<GoalResult> &goals_unflagged);

std::string format_skips(const std::vector<Skip> &skips);

}  // namespace wfisbench
