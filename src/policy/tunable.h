// tunable.h - a named, bounded numeric setting of a policy, for the config parser.
#pragma once

#include <cstdint>

namespace wfisleep {

// One environment-configurable number. The config parser looks names up in a
// policy's table, checks min..max and stores into the params struct through
// `field`, so a new tunable is one table row, not parser code.
template <typename Params>
struct Tunable {
    const char *name;            // e.g. "WFISLEEP_ADAPTIVE_POLL_MAX_NS"
    uint64_t Params::*field;     // where the value goes
    uint64_t min;                // inclusive
    uint64_t max;                // inclusive
    const char *unit;            // "ns", "us", "ms", "" (count), "0|1"
    const char *doc;             // one line for README/--help
};

}  // namespace wfisleep
