// environment_linux.cc - the process environment on Linux: POSIX environ.
#include "platform/environment.h"

extern char **environ;  // POSIX

namespace wfisleep::platform {

const char *const *process_environment() noexcept {
    return environ;
}

}  // namespace wfisleep::platform
