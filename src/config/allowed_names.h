// allowed_names.h - WFISLEEP_* names an embedder owns (wfisleep_config_allow): no warning, value
// ignored.
#pragma once

#include <cstddef>

namespace wfisleep {

inline constexpr size_t kMaxAllowedNames = 16;
inline constexpr size_t kMaxAllowedNameLen = 63;

// Registers name; see wfisleep_config_allow for the rules. 0 or -1.
// is_library_name says whether a name is one of the library's own.
// Thread-safe (a mutex: registration and parsing are not hot paths).
int allow_name(const char *name, bool (*is_library_name)(const char *name, size_t len)) noexcept;

// True when the first len bytes of name were registered.
bool name_allowed(const char *name, size_t len) noexcept;

}  // namespace wfisleep
