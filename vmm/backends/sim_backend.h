// sim_backend.h - the simulated backend: one thread per vCPU models a guest and calls the real
// governors.
#pragma once

#include <cstdint>

#include "run.h"

namespace wfisvm {

// The simulated backend exists so the bench and tests run without /dev/kvm;
// every result it returns says backend "simulated" and guest timer
// "simulated". Real results only come from KVM (run_kvm).
//
// What it models, per vCPU thread: the guest's timer deadline per scenario
// (idle: periodic at hz; tickless: exponential one-shot intervals; pingpong
// and burst: timer off; compute: busy vCPUs compute in work units without a
// timer, idle ones tick at 1000 Hz, as the guest does), an idle trap that
// calls the governor with has_work and the deadline, and the cost of the
// exit and re-entry around every trap. A device thread raises pingpong and
// burst requests and kicks the governor; the vCPU acknowledges them. Timer
// lateness (handler time - deadline, into the guest report's histogram) and
// wake latency (raise - ack, exact samples) are measured on the host clock.
// run_simulated() is declared in run.h.

// Model parameter: host CPU burnt by one idle trap (HLT exit plus re-entry
// into the guest), spun after every governor return. ~13 us is what one exit
// costs on this machine's software-nested KVM.
inline constexpr uint64_t kSimExitCostNs = 13000;

// Model parameter: iterations of the integer hash loop that make one work unit.
inline constexpr uint32_t kSimWorkUnitIters = 20000;

}  // namespace wfisvm
