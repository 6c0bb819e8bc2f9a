// spin_match.cc - picks deadline+spin's spin per block from adaptive's CPU per timer interrupt.
#include "spin_match.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "spec.h"

namespace wfisbench {

namespace {

// Where a match item sits in the spec's key list and how long it is, or npos.
std::pair<size_t, size_t> match_item(const std::string &governor) {
    const size_t colon = governor.find(':');
    if (colon == std::string::npos) return {std::string::npos, 0};
    for (size_t pos = colon + 1; pos <= governor.size();) {
        size_t comma = governor.find(',', pos);
        if (comma == std::string::npos) comma = governor.size();
        for (const std::string item : {kSpinMatchItem, kCpuMatchItem})
            if (governor.compare(pos, comma - pos, item) == 0) return {pos, item.size()};
        pos = comma + 1;
    }
    return {std::string::npos, 0};
}

bool is_adaptive(const std::string &governor) {
    wfisvm::GovernorSpec g;
    std::string err;
    return wfisvm::parse_governor(governor, &g, &err) && g.kind == wfisvm::GovernorKind::kAdaptive;
}

std::string with_item(const std::string &governor, const std::string &item) {
    const auto [pos, len] = match_item(governor);
    if (pos == std::string::npos) return governor;
    return governor.substr(0, pos) + item + governor.substr(pos + len);
}

}  // namespace

std::string spin_match_governor(const std::string &governor, uint64_t us) {
    return with_item(governor, "us=" + std::to_string(us));
}

bool is_spin_match_row(const std::string &governor) {
    if (match_item(governor).first == std::string::npos) return false;
    wfisvm::GovernorSpec g;
    std::string err;
    return wfisvm::parse_governor(spin_match_governor(governor, 0), &g, &err) &&
           g.kind == wfisvm::GovernorKind::kDeadlineSpin;
}

bool is_cpu_match_row(const std::string &governor) {
    const auto [pos, len] = match_item(governor);
    return is_spin_match_row(governor) && governor.compare(pos, len, kCpuMatchItem) == 0;
}

std::string cpu_match_partner(const std::string &governor) {
    return with_item(governor, kSpinMatchItem);
}

std::string spin_match_partner(const std::vector<std::string> &governors) {
    for (const auto &g : governors)
        if (g == "adaptive") return g;
    for (const auto &g : governors)
        if (is_adaptive(g)) return g;
    return {};
}

std::optional<double> spin_per_irq_us(const RunResult &r) {
    if (!r.ok || !r.governor_poll_spin_ns || !r.timer_irqs_taken || *r.timer_irqs_taken == 0)
        return std::nullopt;
    return static_cast<double>(*r.governor_poll_spin_ns) /
           static_cast<double>(*r.timer_irqs_taken) / 1000.0;
}

uint64_t spin_match_us(const RunResult &adaptive) {
    const auto us = spin_per_irq_us(adaptive);
    return us ? static_cast<uint64_t>(std::llround(*us)) : 0;
}

uint64_t cpu_match_us(double adaptive_cpu_us, uint64_t match_us, double match_cpu_us) {
    const double factor = match_cpu_us > 0 ? adaptive_cpu_us / match_cpu_us : kCpuMatchMaxFactor;
    const double a = static_cast<double>(match_us) *
                     std::clamp(factor, 1.0 / kCpuMatchMaxFactor, kCpuMatchMaxFactor);
    return static_cast<uint64_t>(std::llround(a));
}

void order_spin_match_after_partner(std::vector<RunPlan> *block, const std::string &partner) {
    auto &b = *block;
    // The link of the chain a run is: 0 partner, 1 us=match, 2 us=cpumatch, -1 none.
    auto link = [&](const RunPlan &p) {
        if (p.peer) return -1;
        if (!partner.empty() && p.governor == partner) return 0;
        if (!is_spin_match_row(p.governor)) return -1;
        return is_cpu_match_row(p.governor) ? 2 : 1;
    };
    std::vector<std::string> scenarios;
    for (const auto &p : b)
        if (link(p) > 0 &&
            std::find(scenarios.begin(), scenarios.end(), p.scenario) == scenarios.end())
            scenarios.push_back(p.scenario);
    for (const auto &sc : scenarios) {
        std::vector<size_t> places;
        std::vector<RunPlan> chain;
        for (size_t i = 0; i < b.size(); i++)
            if (b[i].scenario == sc && link(b[i]) >= 0) {
                places.push_back(i);
                chain.push_back(b[i]);
            }
        std::stable_sort(chain.begin(), chain.end(),
                         [&](const RunPlan &x, const RunPlan &y) { return link(x) < link(y); });
        for (size_t k = 0; k < places.size(); k++) b[places[k]] = chain[k];
    }
}

RunPlan SpinMatcher::prepare(const RunPlan &plan) const {
    RunPlan p = plan;
    if (plan.peer || !is_spin_match_row(plan.governor)) return p;
    const auto a = partner_cpu_.find({plan.scenario, plan.repeat});
    uint64_t us = a == partner_cpu_.end() ? 0 : static_cast<uint64_t>(std::llround(a->second));
    if (is_cpu_match_row(plan.governor) && a != partner_cpu_.end()) {
        const auto m = match_.find({plan.scenario, cpu_match_partner(plan.governor), plan.repeat});
        if (m != match_.end()) us = cpu_match_us(a->second, m->second.first, m->second.second);
    }
    p.spin_match_us = us;
    p.vm_governor = spin_match_governor(plan.governor, us);
    return p;
}

void SpinMatcher::record(const RunResult &r) {
    if (r.plan.peer) return;
    const auto cpu = spin_per_irq_us(r);
    if (!partner_.empty() && r.plan.governor == partner_ && cpu)
        partner_cpu_[{r.plan.scenario, r.plan.repeat}] = *cpu;
    if (!r.plan.spin_match_us) return;
    const Key key{r.plan.scenario, r.plan.governor, r.plan.repeat};
    Used u{*r.plan.spin_match_us, std::nullopt};
    const auto a = partner_cpu_.find({r.plan.scenario, r.plan.repeat});
    if (cpu && a != partner_cpu_.end() && a->second > 0) u.cpu_ratio = *cpu / a->second;
    used_[key] = u;
    if (!is_cpu_match_row(r.plan.governor) && cpu) match_[key] = {*r.plan.spin_match_us, *cpu};
}

std::string SpinMatcher::note() const {
    if (used_.empty()) return {};
    const std::string who =
        partner_.empty() ? std::string("adaptive (not in this matrix)") : "'" + partner_ + "'";
    std::string match = fmt::format(
        "deadline+spin:us=match ran with spin A (us) = the poll + spin time per timer interrupt "
        "of {} in the same block and scenario, run before it (0 when unknown); A per block:",
        who);
    std::string cpu = fmt::format(
        "deadline+spin:us=cpumatch ran with A = the us=match row's A x ({}'s spin per timer "
        "interrupt / the us=match run's), the factor within 1/{:g}..{:g}, so its CPU matches; A "
        "(its spin per interrupt over {}'s) per block:",
        partner_.empty() ? "adaptive" : partner_, kCpuMatchMaxFactor, kCpuMatchMaxFactor, who);
    std::string last_match, last_cpu;
    bool any_match = false, any_cpu = false;
    for (const auto &[key, u] : used_) {
        const auto &[scenario, governor, block] = key;
        const bool c = is_cpu_match_row(governor);
        std::string &s = c ? cpu : match;
        std::string &last = c ? last_cpu : last_match;
        bool &any = c ? any_cpu : any_match;
        // The plain specs by scenario alone; others (e.g. with slack_ns) by name too.
        const bool plain = governor == std::string("deadline+spin:") + kSpinMatchItem ||
                           governor == std::string("deadline+spin:") + kCpuMatchItem;
        const std::string row = plain ? scenario : governor + " on " + scenario;
        if (row != last) {
            s += fmt::format("{} {}:", any ? ";" : "", row);
            last = row;
        }
        any = true;
        s += fmt::format(" {}", u.us);
        if (c) s += u.cpu_ratio ? fmt::format(" ({:.2f})", *u.cpu_ratio) : " (-)";
    }
    if (!any_cpu) return match;
    if (!any_match) return cpu;
    return match + ". " + cpu;
}

}  // namespace wfisbench
