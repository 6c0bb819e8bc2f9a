// scenario_match.cc - compares two parsed scenario specs field by field.
#include "scenario_match.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "spec.h"
#include "tcg_spec.h"

namespace wfisbench {

namespace {

// Every field the grammar sets; the text and the *_given flags are left out
// on purpose (they record how a key was written, not what runs).
auto keys(const wfisvm::ScenarioSpec &s) {
    const auto &h = s.host_timer;
    return std::tie(s.workload, s.hz, s.mean_ms, s.rate, s.tick_hz, s.poisson, s.len, s.think_us,
                    s.busy, s.idle, s.idle_hz, h.kind, h.permille, h.max_us, h.shape, h.window_us,
                    s.kicks, s.hog_permille, s.hog_period_us);
}

// Splits "name:k=v,..." into the name and its key=value items.
void split(const std::string &s, std::string *name, std::vector<std::string> *items) {
    const size_t colon = s.find(':');
    *name = s.substr(0, colon);
    if (colon == std::string::npos) return;
    size_t at = colon + 1;
    while (at <= s.size()) {
        size_t comma = s.find(',', at);
        if (comma == std::string::npos) comma = s.size();
        items->push_back(s.substr(at, comma - at));
        at = comma + 1;
    }
}

}  // namespace

std::string vm_scenario_text(const std::string &scenario) {
    if (is_tcg_scenario(scenario) || (scenario.find("vcpus=") == std::string::npos &&
                                      scenario.find("vms=") == std::string::npos))
        return scenario;
    std::string name;
    std::vector<std::string> items;
    split(scenario, &name, &items);
    std::string out = name;
    char sep = ':';
    for (const auto &i : items) {
        if (i.rfind("vcpus=", 0) == 0 || i.rfind("vms=", 0) == 0) continue;
        out += sep + i;
        sep = ',';
    }
    return out;
}

namespace {

// The number a bench key (vcpus=, vms=) gives in a test-bed scenario: -1
// when the key is absent, 0 when its value is not a whole number of one or
// two digits.
int bench_key(const std::string &scenario, const std::string &key) {
    std::string name;
    std::vector<std::string> items;
    split(scenario, &name, &items);
    for (const auto &i : items) {
        if (i.rfind(key + "=", 0) != 0) continue;
        const std::string v = i.substr(key.size() + 1);
        if (v.empty() || v.size() > 2 || v.find_first_not_of("0123456789") != std::string::npos)
            return 0;
        return std::stoi(v);
    }
    return -1;
}

}  // namespace

int scenario_vcpus_key(const std::string &scenario) {
    if (is_tcg_scenario(scenario)) return 0;
    return std::max(bench_key(scenario, "vcpus"), 0);
}

bool same_scenario(const std::string &a, const std::string &b) {
    if (is_tcg_scenario(a) || is_tcg_scenario(b))
        return is_tcg_scenario(a) && is_tcg_scenario(b) && same_tcg_scenario(a, b);
    wfisvm::ScenarioSpec sa, sb;
    std::string err;
    if (!wfisvm::parse_scenario(vm_scenario_text(a), &sa, &err) ||
        !wfisvm::parse_scenario(vm_scenario_text(b), &sb, &err))
        return false;
    return keys(sa) == keys(sb) && scenario_vms_key(a) == scenario_vms_key(b);
}

int scenario_vms_key(const std::string &scenario) {
    if (is_tcg_scenario(scenario)) return 1;
    const int n = bench_key(scenario, "vms");
    if (n < 0) return 1;
    return n <= kMaxVms ? n : 0;
}

}  // namespace wfisbench

namespace wfisbench {

bool same_but_host_law(const std::string &a, const std::string &b) {
    if (is_tcg_scenario(a) || is_tcg_scenario(b)) return false;
    wfisvm::ScenarioSpec sa, sb;
    std::string err;
    if (!wfisvm::parse_scenario(vm_scenario_text(a), &sa, &err) ||
        !wfisvm::parse_scenario(vm_scenario_text(b), &sb, &err))
        return false;
    if (sa.host_timer.kind != wfisvm::HostTimerKind::kMacos ||
        sb.host_timer.kind != wfisvm::HostTimerKind::kMacos)
        return false;
    sb.host_timer = sa.host_timer;
    return keys(sa) == keys(sb);
}

}  // namespace wfisbench
