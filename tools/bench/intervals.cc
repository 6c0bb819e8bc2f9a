// intervals.cc - Walsh averages, the signed-rank null distribution and the interval.
#include "intervals.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace wfisbench {

const char *const kIntervalMethod =
    "95% CI: exact Wilcoxon signed-rank interval of the Hodges-Lehmann estimate over paired "
    "blocks (ratios on the log scale)";

namespace {

// P(T+ <= t) for t = 0..M under the null (each rank's sign a fair coin).
std::vector<double> signed_rank_cdf(int n) {
    const int m = n * (n + 1) / 2;
    std::vector<double> p(static_cast<size_t>(m) + 1, 0.0);
    p[0] = 1.0;
    int top = 0;
    for (int r = 1; r <= n; r++) {
        top += r;
        for (int s = top; s >= 0; s--) {
            double with = s >= r ? p[static_cast<size_t>(s - r)] : 0.0;
            p[static_cast<size_t>(s)] = 0.5 * (p[static_cast<size_t>(s)] + with);
        }
    }
    for (size_t s = 1; s < p.size(); s++) p[s] += p[s - 1];
    return p;
}

// Largest k >= 1 with P(T+ <= k - 1) <= alpha/2, with its coverage; 0 when none.
int critical_rank(int n, double *coverage) {
    constexpr double kHalfAlpha = 0.025;
    if (n > 60) {  // normal approximation, continuity-corrected
        const double mean = n * (n + 1) / 4.0;
        const double sd = std::sqrt(n * (n + 1) * (2.0 * n + 1) / 24.0);
        const int k = static_cast<int>(std::floor(mean - 1.959964 * sd + 0.5));
        *coverage = 0.95;
        return std::max(k, 1);
    }
    const std::vector<double> cdf = signed_rank_cdf(n);
    int k = 0;
    while (static_cast<size_t>(k) < cdf.size() && cdf[static_cast<size_t>(k)] <= kHalfAlpha) k++;
    // cdf[k - 1] <= alpha/2 < cdf[k]: the interval uses ranks k and M + 1 - k.
    if (k > 0) *coverage = 1.0 - 2.0 * cdf[static_cast<size_t>(k - 1)];
    return k;
}

// Sorted Walsh averages of x.
std::vector<double> walsh_of(const std::vector<double> &x) {
    std::vector<double> walsh;
    walsh.reserve(x.size() * (x.size() + 1) / 2);
    for (size_t i = 0; i < x.size(); i++)
        for (size_t j = i; j < x.size(); j++) walsh.push_back((x[i] + x[j]) / 2);
    std::sort(walsh.begin(), walsh.end());
    return walsh;
}

}  // namespace

double signed_rank_cdf_at(int n, long t) {
    if (n <= 0) return 1.0;
    const long m = static_cast<long>(n) * (n + 1) / 2;
    if (t < 0) return 0.0;
    if (t >= m) return 1.0;
    if (n > 60) {
        const double mean = n * (n + 1) / 4.0;
        const double sd = std::sqrt(n * (n + 1) * (2.0 * n + 1) / 24.0);
        return 0.5 * std::erfc(-((static_cast<double>(t) + 0.5 - mean) / sd) / std::sqrt(2.0));
    }
    return signed_rank_cdf(n)[static_cast<size_t>(t)];
}

std::optional<Interval> location_interval_at(std::vector<double> x, double alpha) {
    if (x.empty()) return std::nullopt;
    const int n = static_cast<int>(x.size());
    const std::vector<double> walsh = walsh_of(x);
    Interval iv;
    iv.n = n;
    const size_t m = walsh.size();
    iv.point = m % 2 ? walsh[m / 2] : (walsh[m / 2 - 1] + walsh[m / 2]) / 2;
    // k: the largest with P(T+ <= k - 1) <= alpha (0 when even T+ = 0 is too likely).
    long k = 0;
    while (static_cast<size_t>(k) < m && signed_rank_cdf_at(n, k) <= alpha) k++;
    if (k >= 1) {
        iv.low = walsh[static_cast<size_t>(k - 1)];
        iv.high = walsh[m - static_cast<size_t>(k)];
        iv.coverage = 1.0 - 2.0 * signed_rank_cdf_at(n, k - 1);
    }
    return iv;
}

SignedRankP signed_rank_p(const std::vector<double> &x) {
    SignedRankP p;
    if (x.empty()) return p;
    const int n = static_cast<int>(x.size());
    long pos = 0, neg = 0, zero = 0;
    for (double w : walsh_of(x)) {
        if (w > 0)
            pos++;
        else if (w < 0)
            neg++;
        else
            zero++;
    }
    // high <= 0 iff at most k - 1 averages lie above 0, and so on.
    p.below_incl = signed_rank_cdf_at(n, pos);
    p.below_excl = signed_rank_cdf_at(n, pos + zero);
    p.above_excl = signed_rank_cdf_at(n, neg + zero);
    p.above_incl = signed_rank_cdf_at(n, neg);
    return p;
}

std::optional<Interval> location_interval(std::vector<double> x) {
    if (x.empty()) return std::nullopt;
    const int n = static_cast<int>(x.size());
    std::vector<double> walsh;
    walsh.reserve(x.size() * (x.size() + 1) / 2);
    for (size_t i = 0; i < x.size(); i++)
        for (size_t j = i; j < x.size(); j++) walsh.push_back((x[i] + x[j]) / 2);
    std::sort(walsh.begin(), walsh.end());
    Interval iv;
    iv.n = n;
    const size_t m = walsh.size();
    iv.point = m % 2 ? walsh[m / 2] : (walsh[m / 2 - 1] + walsh[m / 2]) / 2;
    double coverage = 0;
    const int k = critical_rank(n, &coverage);
    if (k >= 1 && static_cast<size_t>(k) <= m) {
        iv.low = walsh[static_cast<size_t>(k - 1)];
        iv.high = walsh[m - static_cast<size_t>(k)];
        iv.coverage = coverage;
    }
    return iv;
}

std::vector<std::optional<double>> paired_ratios(const std::vector<std::optional<double>> &a,
                                                 const std::vector<std::optional<double>> &b) {
    std::vector<std::optional<double>> r;
    for (size_t i = 0; i < a.size() && i < b.size(); i++)
        r.push_back(a[i] && b[i] && *a[i] > 0 && *b[i] > 0 ? std::optional<double>(*a[i] / *b[i])
                                                           : std::nullopt);
    return r;
}

std::optional<Interval> ratio_interval(const std::vector<std::optional<double>> &a,
                                       const std::vector<std::optional<double>> &b) {
    std::vector<double> logs;
    for (const auto &x : paired_ratios(a, b))
        if (x) logs.push_back(std::log(*x));
    auto iv = location_interval(std::move(logs));
    if (!iv) return std::nullopt;
    iv->point = std::exp(iv->point);
    if (iv->low) iv->low = std::exp(*iv->low);
    if (iv->high) iv->high = std::exp(*iv->high);
    return iv;
}

std::string format_interval(const std::optional<Interval> &iv, bool with_interval, int blocks) {
    if (!iv) return "-";
    auto f = [](double v) {
        if (std::fabs(v) >= 100) return fmt::format("{:.0f}", v);
        if (std::fabs(v) >= 10) return fmt::format("{:.1f}", v);
        return fmt::format("{:.2f}", v);
    };
    const std::string pairs = blocks > iv->n ? fmt::format(" ({}/{})", iv->n, blocks) : "";
    if (!with_interval || !iv->low || !iv->high) return f(iv->point) + pairs;
    return fmt::format("{} [{}, {}]{}", f(iv->point), f(*iv->low), f(*iv->high), pairs);
}

}  // namespace wfisbench
