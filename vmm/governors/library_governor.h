// library_governor.h - a governor that is one of the library's policies (off, seed, adaptive).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "governor.h"
#include "spec.h"
#include "wfisleep/wfisleep.h"

namespace wfisvm {

class CoalescingTimer;  // governors/coalescing_timer.h

// Forwards idle/kick/stats to wfisleep_vcpu_idle/_kick/_stats. Thread-safety
// as Governor.
class LibraryGovernor final : public Governor {
  public:
    // Borrows config (it must outlive this governor). Throws std::bad_alloc
    // when the library cannot allocate the vCPU.
    LibraryGovernor(const wfisleep_config *config, uint64_t now_ns);
    // Parses and owns a config made from NAME=VALUE vars (spec.vars), for
    // callers without one. Throws std::invalid_argument with the library's
    // one-line message when the vars are rejected.
    LibraryGovernor(const std::map<std::string, std::string> &vars, uint64_t now_ns);
    ~LibraryGovernor() override;
    LibraryGovernor(const LibraryGovernor &) = delete;
    LibraryGovernor &operator=(const LibraryGovernor &) = delete;

    void idle(bool has_work, uint64_t deadline_ns) override;
    void kick() override;
    // wfisleep_vcpu_trap_begin unless turned off (set_trap_begin(false)).
    void trap_begin() override;
    void set_trap_begin(bool on) { trap_begin_ = on; }
    wfisleep_stats stats() const override;
    void use_host_timer(const HostTimerSpec &spec, uint64_t seed) override;

    // "off", "seed" or "adaptive": what the config actually runs.
    const char *policy() const;

  private:
    wfisleep_config *owned_ = nullptr;
    const wfisleep_config *config_ = nullptr;
    wfisleep_vcpu *vcpu_ = nullptr;
    std::unique_ptr<CoalescingTimer> host_timer_;  // host=macos only
    bool trap_begin_ = true;
};

// spec.vars with WFISLEEP_POLICY taken from spec.kind when absent (a
// default-constructed GovernorSpec says "adaptive" but has no vars) and
// WFISLEEP_TIMER_SLACK_NS=keep, for callers that parse the library config
// themselves. Library kinds only.
std::map<std::string, std::string> library_vars(const GovernorSpec &spec);

}  // namespace wfisvm
