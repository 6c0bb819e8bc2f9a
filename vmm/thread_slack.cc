// thread_slack.cc - prctl(PR_SET_TIMERSLACK / PR_GET_TIMERSLACK) for the VMM's governor threads.
#include "thread_slack.h"

#include <sys/prctl.h>

#include "spec.h"

namespace wfisvm {

bool set_thread_timer_slack(uint64_t ns) {
    return prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(ns), 0, 0, 0) == 0;
}

std::optional<uint64_t> thread_timer_slack() {
    const int v = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    if (v < 0) return std::nullopt;
    return static_cast<uint64_t>(v);
}

uint64_t governor_slack_ns(const GovernorSpec &governor, const ScenarioSpec &scenario) {
    return scenario.host_timer.kind == HostTimerKind::kMacos ? 1 : governor.slack_ns;
}

}  // namespace wfisvm
