// spec.h - scenario and governor specs ("idle:hz=1000", "seed:max_us=100"), shared by vm and bench.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "governor.h"

namespace wfisvm {

enum class Workload { kIdle, kTickless, kPingpong, kBurst, kCompute };

// Whose timer ends the governors' bounded sleeps: the real host (linux), or
// the real host plus a MODEL of macOS timer coalescing (not a Mac
// measurement): each bounded sleep of length L ends late by
// min(permille/1000 x L, max_us) x U, U = 1 (shape max) or uniform in [0, 1];
// shape window: pushed to the next boundary of a window_us grid shared by
// the VM's vCPUs, at most min(permille/1000 x L, max_us) late.
enum class HostTimerKind { kLinux, kMacos };
enum class CoalesceShape { kMax, kUniform, kWindow };
struct HostTimerSpec {
    HostTimerKind kind = HostTimerKind::kLinux;
    uint32_t permille = 125;  // coalesce_permille
    uint32_t max_us = 1000;   // coalesce_max_us
    CoalesceShape shape = CoalesceShape::kMax;
    uint32_t window_us = 1000;  // coalesce_window_us (shape window)
    // Shape window: the grid's phase on the wait clock, below window_us x
    // 1000. Not in the spec text: drawn once per VM (host_timer_for_run).
    uint64_t grid_phase_ns = 0;
};

// The spec one VM's governors get: the window grid's phase drawn from the
// run's seed, so every vCPU of the VM (and each rerun) shares one grid.
HostTimerSpec host_timer_for_run(const HostTimerSpec &spec, uint64_t run_seed);

// When a device interrupt kicks the target vCPU's governor. vector (the test
// bed's own): only when the vector becomes newly pending. qemu (QEMU's
// pattern): on every device interrupt raised, also while the vCPU runs
// guest code; a KVM_RUN exit is still forced only for a newly pending
// vector, and timer vectors never kick. The kicks that find no halt are
// stale; each governor keeps or drops them as its real counterpart does.
enum class KickPattern { kVector, kQemu };
const char *kick_pattern_name(KickPattern kicks);  // "vector" / "qemu"

// The model's seed for one vCPU of a run (shape uniform draws from it).
inline uint64_t host_timer_seed(uint64_t run_seed, uint32_t vcpu) {
    return run_seed * 0x100000001b3ULL + vcpu;
}

// "linux"/"macos", "max"/"uniform"/"window".
const char *host_timer_name(HostTimerKind kind);
const char *coalesce_shape_name(CoalesceShape shape);

// A parsed scenario; `text` echoes the spec exactly as given.
struct ScenarioSpec {
    std::string text;
    Workload workload = Workload::kIdle;
    uint32_t hz = 1000;       // idle
    uint32_t mean_ms = 10;    // tickless
    uint32_t rate = 2000;     // pingpong: requests per second (all vCPUs)
    uint32_t tick_hz = 0;     // pingpong: the guest tick beside the requests (key hz; 0 = none)
    bool poisson = true;      // pingpong: dist=poisson|fixed
    uint32_t len = 64;        // burst: requests per chain
    uint32_t think_us = 200;  // burst: pause between chains
    uint32_t busy = 1;        // compute: busy vCPUs
    uint32_t idle = 3;        // compute: idle vCPUs
    uint32_t idle_hz = 1000;  // compute: the idle vCPUs' tick (0 = none)
    // Every scenario: the host-timer model (host=, coalesce_*=). host_given:
    // the spec named host= itself (a global default applies otherwise).
    HostTimerSpec host_timer;
    bool host_given = false;
    // Every scenario: kicks=vector|qemu; kicks_given as host_given.
    KickPattern kicks = KickPattern::kVector;
    bool kicks_given = false;
    // Every scenario: a host process competing for vCPU 0's CPU (cpu_hog.h),
    // busy hog/1000 of each hog_period_us on average; 0 = none.
    uint32_t hog_permille = 0;
    uint32_t hog_period_us = 1000;
};

// Sets the host-timer kind of a scenario that did not name host= itself
// (the bench's and the VMM's --host-timer flag).
void apply_default_host_timer(ScenarioSpec *scenario, HostTimerKind kind);

enum class GovernorKind {
    kOff,
    kSeed,
    kAdaptive,
    kDeadline,
    kDeadlineSpin,
    kQemu10,
    kQemu11,
    kKvmHaltpoll
};

struct GovernorSpec {
    std::string text;
    GovernorKind kind = GovernorKind::kAdaptive;
    // Library policies: the NAME=VALUE list handed to wfisleep_config_parse
    // (e.g. {"WFISLEEP_POLICY","seed"},{"HVF_WFI_SLEEP","100"},
    // {"WFISLEEP_BOOT_GRACE_MS","0"}). Empty for models.
    std::map<std::string, std::string> vars;
    // kvm-haltpoll model only (appended by the governors helper): KVM's
    // module parameters, x86 defaults (Linux virt/kvm/kvm_main.c). poll_ns = the maximum
    // window (halt_poll_ns), grow factor, grow_start, shrink divisor (0 = reset).
    uint64_t halt_poll_ns = 200000;
    uint64_t halt_poll_grow = 2;
    uint64_t halt_poll_grow_start = 10000;
    uint64_t halt_poll_shrink = 0;
    // qemu11 model only: its main loop waits with ns timeouts (QEMU's
    // ppoll(), Linux) instead of whole milliseconds (no ppoll: macOS).
    bool qemu11_ppoll = false;
    // deadline+spin only: the fixed spin before the guest deadline (key us).
    uint64_t spin_us = 0;
    // Library policies: call wfisleep_vcpu_trap_begin at each HLT exit
    // before has_work is sampled (drops a stale kick), as the QEMU glue
    // does; trap_begin=0 turns it off (the stale kick ends the next wait).
    bool trap_begin = true;
    // Every governor: the vCPU thread's timer slack (prctl PR_SET_TIMERSLACK),
    // set by the VMM before the first idle so every governor waits with the
    // same precision; the library gets WFISLEEP_TIMER_SLACK_NS=keep.
    uint64_t slack_ns = 1;
};

// Parse; on error return false and set *err to one line naming the spec, the
// bad part and what is accepted. Never throws.
bool parse_scenario(const std::string &text, ScenarioSpec *out, std::string *err);
bool parse_governor(const std::string &text, GovernorSpec *out, std::string *err);

// Help text listing every scenario/governor key with its default.
std::string spec_help();

// Creates one governor per vCPU. For library policies `config` must be the
// wfisleep_config parsed from spec.vars and outlive the governor; models
// ignore it. now_ns = vCPU creation time (seed boot grace).
std::unique_ptr<Governor> make_governor(const GovernorSpec &spec, const wfisleep_config *config,
                                        uint64_t now_ns);

}  // namespace wfisvm
