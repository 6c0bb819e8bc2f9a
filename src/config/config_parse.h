// config_parse.h - builds a wfisleep_config from NAME=VALUE entries or the environment.
#pragma once

#include <cstddef>

#include "config/config.h"

namespace wfisleep {

// Fills cfg (which must be default-constructed) from vars, a NULL-terminated
// list of "NAME=VALUE" strings, or from the process environment when vars is
// nullptr. Rules (issue 2): values are decimal digits only; an entry without
// '=' is an error; a repeated name: the last wins; an unknown WFISLEEP_* name
// is logged as a warning; other names are ignored. Returns 0 when every
// entry was valid; otherwise 1, a one-line message in err (if err && errlen;
// logged instead when there is no buffer) and cfg reset to "off". Logs the
// seed/adaptive announcement on success. No exceptions, no allocation.
int parse_config(const char *const *vars, wfisleep_config &cfg, char *err, size_t errlen) noexcept;

// One line describing the effective settings (snprintf semantics).
int describe_config(const wfisleep_config &cfg, char *buf, size_t len) noexcept;

}  // namespace wfisleep
