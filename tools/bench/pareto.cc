// pareto.cc - the frontier by pairwise comparison (a plot holds a dozen points).
#include "pareto.h"

#include <cstddef>

namespace wfisbench {

std::vector<bool> pareto_frontier(const std::vector<std::pair<double, double>> &p) {
    std::vector<bool> on(p.size(), true);
    for (size_t i = 0; i < p.size(); i++)
        for (size_t j = 0; j < p.size() && on[i]; j++) {
            const bool no_worse = p[j].first <= p[i].first && p[j].second <= p[i].second;
            const bool better = p[j].first < p[i].first || p[j].second < p[i].second;
            if (j != i && no_worse && better) on[i] = false;
        }
    return on;
}

}  // namespace wfisbench
