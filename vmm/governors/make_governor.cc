// make_governor.cc - builds the governor a GovernorSpec names (library policy or peer model).
#include <memory>

#include "governors/deadline_model.h"
#include "governors/deadline_spin_model.h"
#include "governors/kvm_haltpoll_model.h"
#include "governors/library_governor.h"
#include "governors/qemu10_model.h"
#include "governors/qemu11_model.h"
#include "spec.h"

namespace wfisvm {

std::unique_ptr<Governor> make_governor(const GovernorSpec &spec, const wfisleep_config *config,
                                        uint64_t now_ns) {
    switch (spec.kind) {
        case GovernorKind::kOff:
        case GovernorKind::kSeed:
        case GovernorKind::kAdaptive:
            // Without a caller's config, parse spec.vars here (tests, simple
            // embedders); the VMM passes one shared config for all vCPUs.
            {
                auto gov = config ? std::make_unique<LibraryGovernor>(config, now_ns)
                                  : std::make_unique<LibraryGovernor>(library_vars(spec), now_ns);
                gov->set_trap_begin(spec.trap_begin);
                return gov;
            }
        case GovernorKind::kDeadline:
            return std::make_unique<DeadlineGovernor>(now_ns);
        case GovernorKind::kDeadlineSpin:
            return std::make_unique<DeadlineSpinGovernor>(now_ns, spec.spin_us * 1000);
        case GovernorKind::kQemu10:
            return std::make_unique<Qemu10Governor>(now_ns);
        case GovernorKind::kQemu11:
            return std::make_unique<Qemu11Governor>(now_ns, spec.qemu11_ppoll);
        case GovernorKind::kKvmHaltpoll: {
            HaltPollParams p;
            p.max_ns = spec.halt_poll_ns;
            p.grow = spec.halt_poll_grow;
            p.grow_start = spec.halt_poll_grow_start;
            p.shrink = spec.halt_poll_shrink;
            return std::make_unique<KvmHaltpollGovernor>(now_ns, p);
        }
    }
    return nullptr;  // unreachable: every kind is handled above
}

}  // namespace wfisvm
