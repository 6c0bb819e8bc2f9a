// config_parse.h - builds a wfisleep_config from NAME=VALUE entries or the environment.
#pragma once

#include <cstddef>

#include "config/config.h"

namespace wfisleep {

// Fills cfg (which must be default-constructed) from vars, a NULL-terminated
// list of "NAME=VALUE" strings, or from the process environment when vars is
// nullptr. Only the library's own names are read (one linear pass; any other
// entry is skipped after a prefix compare); the first entry of a name wins,
// as with getenv; one of our names without '=' is an error; an unknown
// WFISLEEP_* name is logged as a warning unless registered
// (allowed_names.h). HVF_WFI_SLEEP, WFISLEEP_POLICY and
// WFISLEEP_TIMER_SLACK_NS are always checked, the seed's settings only under
// seed, the adaptive ones only under adaptive. Returns 0 when every checked
// value was valid; otherwise 1, a one-line message (control characters
// escaped) in err (if err && errlen; logged instead when there is no buffer)
// and cfg reset to "off". Logs the seed/adaptive announcement on success. No
// exceptions, no allocation.
int parse_config(const char *const *vars, wfisleep_config &cfg, char *err, size_t errlen) noexcept;

// True when the first len bytes of name are one of the library's own
// variables (HVF_WFI_SLEEP, WFISLEEP_POLICY, ..., every adaptive tunable).
bool is_library_name(const char *name, size_t len) noexcept;

// One line describing the effective settings (snprintf semantics).
int describe_config(const wfisleep_config &cfg, char *buf, size_t len) noexcept;

}  // namespace wfisleep
