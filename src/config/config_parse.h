// config_parse.h - builds a wfisleep_config from NAME=VALUE entries or the environment.
#pragma once

#include <cstddef>

#include "config/config.h"

namespace wfisleep {

// Fills cfg (which must be default-constructed) from vars, a NULL-terminated
// list of "NAME=VALUE" strings, or from the process environment when vars is
// nullptr. Rules: values are decimal digits only; an entry without
// '=' is an error; a repeated name: the last wins; an unknown WFISLEEP_* name
// is logged as a warning unless registered (allowed_names.h); other names are ignored. Returns 0
// when every entry was valid; otherwise 1, a one-line message in err (if err && errlen; logged
// instead when there is no buffer) and cfg reset to "off". Logs the seed/adaptive announcement on
// success. No exceptions, no allocation.
int parse_config(const char *const *vars, wfisleep_config &cfg, char *err, size_t errlen) noexcept;

// True when the first len bytes of name are one of the library's own
// variables (HVF_WFI_SLEEP, WFISLEEP_POLICY, ..., every adaptive tunable).
bool is_library_name(const char *name, size_t len) noexcept;

// One line describing the effective settings (snprintf semantics).
int describe_config(const wfisleep_config &cfg, char *buf, size_t len) noexcept;

}  // namespace wfisleep
