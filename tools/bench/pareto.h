// pareto.h - which points of a two-figure comparison no other point beats (both figures:
// lower is better), for labelling the plots' frontier.
#pragma once

#include <utility>
#include <vector>

namespace wfisbench {

// flags[i] is true when no other point is <= points[i] on both coordinates and
// < on at least one (identical points both stay on the frontier).
std::vector<bool> pareto_frontier(const std::vector<std::pair<double, double>> &points);

}  // namespace wfisbench
