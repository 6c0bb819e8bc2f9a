// seed_messages.h - the seed's two console lines, text exactly as the design document gives it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "policy/seed_policy.h"

namespace wfisleep {

// "HVF: WFI adaptive sleep: max 100 μs (activates after 15s, requires sustained idle)"
// Writes at most len bytes (NUL-terminated); returns the length it wanted.
int seed_announce_line(const SeedParams &p, char *buf, size_t len) noexcept;

// "HVF: WFI sleep NOW ACTIVE (adaptive: 10 -> 100 μs)"
int seed_activation_line(const SeedParams &p, char *buf, size_t len) noexcept;

// value / 10^decimals in decimal with trailing zeros (and a bare point)
// trimmed: (5, 1) -> "0.5", (15000, 3) -> "15", (1500, 3) -> "1.5".
int format_trimmed(uint64_t value, unsigned decimals, char *buf, size_t len) noexcept;

}  // namespace wfisleep
