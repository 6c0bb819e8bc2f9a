// environment.h - the process environment as a NULL-terminated NAME=VALUE list, per platform.
#pragma once

namespace wfisleep::platform {

// Linux: environ. macOS: *_NSGetEnviron() (a dylib cannot rely on the
// environ symbol there). Read like getenv: do not setenv concurrently.
const char *const *process_environment() noexcept;

}  // namespace wfisleep::platform
