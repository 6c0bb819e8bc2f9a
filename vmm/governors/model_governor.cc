// model_governor.cc - runs a model's plans on the library's kickable wait and counts them.
#include "governors/model_governor.h"

#include <new>

#include "governors/coalescing_timer.h"
#include "vcpu.h"

namespace wfisvm {

ModelGovernor::ModelGovernor(uint64_t now_ns) {
    // keep: the VMM sets the thread's timer slack (GovernorSpec::slack_ns).
    static const char *const kOff[] = {"WFISLEEP_POLICY=off", "WFISLEEP_TIMER_SLACK_NS=keep",
                                       nullptr};
    char err[256];
    // "off" never fails to parse; a NULL config or vCPU means out of memory.
    wfisleep_config_parse(&config_, kOff, err, sizeof err);
    vcpu_ = config_ ? wfisleep_vcpu_new(config_, now_ns) : nullptr;
    if (!vcpu_) {
        wfisleep_config_free(config_);
        throw std::bad_alloc();
    }
}

ModelGovernor::~ModelGovernor() {
    wfisleep_vcpu_free(vcpu_);
    wfisleep_config_free(config_);
}

void ModelGovernor::drop_stale_kick() {
    wfisleep_vcpu_trap_begin(vcpu_);
}

void ModelGovernor::kick() {
    wfisleep_vcpu_kick(vcpu_);
}

ModelGovernor::WaitResult ModelGovernor::run(const wfisleep_plan &plan, bool has_work) {
    ++idle_calls_;
    if (has_work) ++work_returns_;
    if (plan.sleep_ns > 0) ++sleeps_;
    int kicked = 0;
    const uint64_t spent = wfisleep_vcpu_wait(vcpu_, &plan, &kicked);
    return {spent, kicked != 0};
}

void ModelGovernor::use_host_timer(const HostTimerSpec &spec, uint64_t seed) {
    host_timer_ = std::make_unique<CoalescingTimer>(spec, seed);
    host_timer_->install(&vcpu_->waiter);
}

void ModelGovernor::count_halt(bool has_work) {
    ++idle_calls_;
    if (has_work) ++work_returns_;
}

ModelGovernor::WaitResult ModelGovernor::run2(const wfisleep_plan2 &plan, bool has_work,
                                              wfisleep_outcome *o, bool count) {
    if (count) count_halt(has_work);
    bool sleeps = false;
    for (uint32_t i = 0; i < plan.nphases; i++)
        sleeps = sleeps || plan.phase[i].kind == WFISLEEP_PHASE_SLEEP;
    if (sleeps) ++sleeps_;
    const uint64_t spent = wfisleep_vcpu_wait2(vcpu_, &plan, o);
    return {spent, (o->flags & WFISLEEP_OUTCOME_KICKED) != 0};
}

wfisleep_stats ModelGovernor::stats() const {
    wfisleep_stats s{};
    s.size = sizeof s;
    wfisleep_vcpu_stats(vcpu_, &s);
    s.idle_calls = idle_calls_;
    s.sleeps = sleeps_;
    s.work_returns = work_returns_;
    fill_stats(&s);
    return s;
}

}  // namespace wfisvm
