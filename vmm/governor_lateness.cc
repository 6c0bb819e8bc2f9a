// governor_lateness.cc - the at-or-after-deadline rule and the pooled store.
#include "governor_lateness.h"

namespace wfisvm {

void GovernorLateness::record(uint64_t deadline_ns, uint64_t returned_ns) {
    std::lock_guard<std::mutex> lock(mu_);
    if (returned_ns < deadline_ns) {
        early_++;
    } else {
        store_.add(returned_ns - deadline_ns);
    }
}

uint64_t GovernorLateness::early() const {
    std::lock_guard<std::mutex> lock(mu_);
    return early_;
}

std::optional<LatencyUs> GovernorLateness::distribution() const {
    std::lock_guard<std::mutex> lock(mu_);
    return store_.distribution();
}

}  // namespace wfisvm
