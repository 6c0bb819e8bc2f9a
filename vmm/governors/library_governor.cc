// library_governor.cc - forwards a vCPU's idle traps and kicks to the wfisleep library.
#include "governors/library_governor.h"

#include <new>
#include <stdexcept>
#include <vector>

#include "governors/coalescing_timer.h"
#include "vcpu.h"

namespace wfisvm {

LibraryGovernor::LibraryGovernor(const wfisleep_config *config, uint64_t now_ns)
    : config_(config), vcpu_(config ? wfisleep_vcpu_new(config, now_ns) : nullptr) {
    if (!config) throw std::invalid_argument("LibraryGovernor: no wfisleep config");
    if (!vcpu_) throw std::bad_alloc();
}

LibraryGovernor::LibraryGovernor(const std::map<std::string, std::string> &vars, uint64_t now_ns) {
    std::vector<std::string> lines;
    for (const auto &[name, value] : vars) lines.push_back(name + "=" + value);
    std::vector<const char *> argv;
    for (const std::string &l : lines) argv.push_back(l.c_str());
    argv.push_back(nullptr);
    char err[512] = "";
    const int rc = wfisleep_config_parse(&owned_, argv.data(), err, sizeof err);
    if (!owned_) throw std::bad_alloc();
    if (rc != 0) {
        wfisleep_config_free(owned_);
        throw std::invalid_argument(err);
    }
    config_ = owned_;
    vcpu_ = wfisleep_vcpu_new(config_, now_ns);
    if (!vcpu_) {
        wfisleep_config_free(owned_);
        throw std::bad_alloc();
    }
}

LibraryGovernor::~LibraryGovernor() {
    wfisleep_vcpu_free(vcpu_);
    wfisleep_config_free(owned_);
}

void LibraryGovernor::idle(bool has_work, uint64_t deadline_ns) {
    wfisleep_vcpu_idle(vcpu_, has_work ? 1 : 0, deadline_ns);
}

void LibraryGovernor::trap_begin() {
    if (trap_begin_) wfisleep_vcpu_trap_begin(vcpu_);
}

void LibraryGovernor::kick() {
    wfisleep_vcpu_kick(vcpu_);
}

wfisleep_stats LibraryGovernor::stats() const {
    wfisleep_stats s{};
    s.size = sizeof s;
    wfisleep_vcpu_stats(vcpu_, &s);
    return s;
}

std::map<std::string, std::string> library_vars(const GovernorSpec &spec) {
    std::map<std::string, std::string> vars = spec.vars;
    const char *policy = spec.kind == GovernorKind::kOff    ? "off"
                         : spec.kind == GovernorKind::kSeed ? "seed"
                                                            : "adaptive";
    vars.emplace("WFISLEEP_POLICY", policy);  // keeps an explicit value
    // The VMM sets the thread's slack itself (GovernorSpec::slack_ns), the
    // same for every governor; the library must leave it alone.
    vars["WFISLEEP_TIMER_SLACK_NS"] = "keep";
    return vars;
}

void LibraryGovernor::use_host_timer(const HostTimerSpec &spec, uint64_t seed) {
    host_timer_ = std::make_unique<CoalescingTimer>(spec, seed);
    host_timer_->install(&vcpu_->waiter);
}

const char *LibraryGovernor::policy() const {
    return wfisleep_config_policy(config_);
}

}  // namespace wfisvm
