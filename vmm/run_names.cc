// run_names.cc - names of run modes as printed and written to JSON.
#include "run.h"

namespace wfisvm {

const char *mode_name(Mode mode) {
    switch (mode) {
        case Mode::kUserspace:
            return "userspace";
        case Mode::kInkernel:
            return "inkernel";
        case Mode::kSimulated:
            return "simulated";
    }
    return "?";
}

const char *backend_name(Mode mode) {
    switch (mode) {
        case Mode::kUserspace:
            return "kvm";
        case Mode::kInkernel:
            return "inkernel";
        case Mode::kSimulated:
            return "simulated";
    }
    return "?";
}

}  // namespace wfisvm
