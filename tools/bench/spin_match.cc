// spin_match.cc - picks deadline+spin's spin per block from adaptive's CPU per timer interrupt.
#include "spin_match.h"

#include <fmt/format.h>

#include <cmath>

#include "spec.h"

namespace wfisbench {

namespace {

// Where the us=match item sits in the spec's key list, or npos.
size_t match_item_pos(const std::string &governor) {
    const size_t colon = governor.find(':');
    if (colon == std::string::npos) return std::string::npos;
    const std::string item = kSpinMatchItem;
    for (size_t pos = colon + 1; pos <= governor.size();) {
        size_t comma = governor.find(',', pos);
        if (comma == std::string::npos) comma = governor.size();
        if (governor.compare(pos, comma - pos, item) == 0) return pos;
        pos = comma + 1;
    }
    return std::string::npos;
}

bool is_adaptive(const std::string &governor) {
    wfisvm::GovernorSpec g;
    std::string err;
    return wfisvm::parse_governor(governor, &g, &err) && g.kind == wfisvm::GovernorKind::kAdaptive;
}

}  // namespace

std::string spin_match_governor(const std::string &governor, uint64_t us) {
    const size_t pos = match_item_pos(governor);
    if (pos == std::string::npos) return governor;
    return governor.substr(0, pos) + "us=" + std::to_string(us) +
           governor.substr(pos + std::string(kSpinMatchItem).size());
}

bool is_spin_match_row(const std::string &governor) {
    if (match_item_pos(governor) == std::string::npos) return false;
    wfisvm::GovernorSpec g;
    std::string err;
    return wfisvm::parse_governor(spin_match_governor(governor, 0), &g, &err) &&
           g.kind == wfisvm::GovernorKind::kDeadlineSpin;
}

std::string spin_match_partner(const std::vector<std::string> &governors) {
    for (const auto &g : governors)
        if (g == "adaptive") return g;
    for (const auto &g : governors)
        if (is_adaptive(g)) return g;
    return {};
}

uint64_t spin_match_us(const RunResult &adaptive) {
    if (!adaptive.ok || !adaptive.governor_poll_spin_ns || !adaptive.timer_irqs_taken ||
        *adaptive.timer_irqs_taken == 0)
        return 0;
    const double per_irq_us = static_cast<double>(*adaptive.governor_poll_spin_ns) /
                              static_cast<double>(*adaptive.timer_irqs_taken) / 1000.0;
    return static_cast<uint64_t>(std::llround(per_irq_us));
}

void order_spin_match_after_partner(std::vector<RunPlan> *block, const std::string &partner) {
    if (partner.empty()) return;
    auto &b = *block;
    for (size_t i = 0; i < b.size(); i++) {
        if (!is_spin_match_row(b[i].governor)) continue;
        for (size_t j = i + 1; j < b.size(); j++) {
            if (b[j].governor == partner && b[j].scenario == b[i].scenario) {
                std::swap(b[i], b[j]);
                break;
            }
        }
    }
}

RunPlan SpinMatcher::prepare(const RunPlan &plan) const {
    RunPlan p = plan;
    if (plan.peer || !is_spin_match_row(plan.governor)) return p;
    const auto it = us_.find({plan.scenario, plan.repeat});
    const uint64_t us = it == us_.end() ? 0 : it->second;
    p.spin_match_us = us;
    p.vm_governor = spin_match_governor(plan.governor, us);
    return p;
}

void SpinMatcher::record(const RunResult &r) {
    if (r.plan.spin_match_us) used_[{r.plan.scenario, r.plan.repeat}] = *r.plan.spin_match_us;
    if (partner_.empty() || r.plan.peer || r.plan.governor != partner_) return;
    us_[{r.plan.scenario, r.plan.repeat}] = spin_match_us(r);
}

std::string SpinMatcher::note() const {
    if (used_.empty()) return {};
    std::string s = fmt::format(
        "deadline+spin:us=match ran with spin A (us) = the poll + spin time per timer interrupt "
        "of {} in the same block and scenario, run before it (0 when unknown); A per block:",
        partner_.empty() ? std::string("adaptive (not in this matrix)") : "'" + partner_ + "'");
    std::string scenario;
    for (const auto &[key, us] : used_) {
        if (key.first != scenario) {
            scenario = key.first;
            s += fmt::format("{} {}:", scenario == used_.begin()->first.first ? "" : ";", scenario);
        }
        s += fmt::format(" {}", us);
    }
    return s;
}

}  // namespace wfisbench
