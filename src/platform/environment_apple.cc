// environment_apple.cc - the process environment on macOS: _NSGetEnviron() from <crt_externs.h>.
// UNTESTED HERE: this machine is Linux; only syntax-checked for arm64-apple-macos.
//
// Shared libraries on macOS cannot link against the environ symbol directly
// (environ(7) on macOS says to use _NSGetEnviron() from them).
#include <crt_externs.h>

#include "platform/environment.h"

namespace wfisleep::platform {

const char *const *process_environment() noexcept {
    char ***env = _NSGetEnviron();
    return env != nullptr ? *env : nullptr;
}

}  // namespace wfisleep::platform
