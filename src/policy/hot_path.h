// hot_path.h - marks for the per-trap path (plan2/done2 run on every guest idle trap).
#pragma once

// A helper of the per-trap path, defined in the .cc that calls it: always
// inlined there, so a wait pays no call per helper (the path is a few ns and
// was mostly call overhead). Only for helpers called from that one file.
#define WFISLEEP_HOT_INLINE [[gnu::always_inline]] inline
