// seed_messages.cc - formats the seed's announcement and activation lines.
#include "policy/seed_messages.h"

#include <cinttypes>
#include <cstdio>

namespace wfisleep {

int format_trimmed(uint64_t value, unsigned decimals, char *buf, size_t len) noexcept {
    uint64_t scale = 1;
    for (unsigned i = 0; i < decimals; ++i) {
        scale *= 10;
    }
    uint64_t frac = value % scale;
    unsigned digits = decimals;
    while (digits > 0 && frac % 10 == 0) {
        frac /= 10;
        --digits;
    }
    if (digits == 0) {
        return snprintf(buf, len, "%" PRIu64, value / scale);
    }
    return snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64, value / scale, static_cast<int>(digits),
                    frac);
}

int seed_announce_line(const SeedParams &p, char *buf, size_t len) noexcept {
    char grace[32];
    format_trimmed(p.grace_ms, 3, grace, sizeof grace);
    return snprintf(buf, len,
                    "HVF: WFI adaptive sleep: max %" PRIu64
                    " \u03bcs (activates after %ss, requires sustained idle)",
                    p.max_us, grace);
}

int seed_activation_line(const SeedParams &p, char *buf, size_t len) noexcept {
    char low[32];
    format_trimmed(p.max_us, 1, low, sizeof low);  // 10% of max_us, in us
    return snprintf(buf, len, "HVF: WFI sleep NOW ACTIVE (adaptive: %s -> %" PRIu64 " \u03bcs)",
                    low, p.max_us);
}

}  // namespace wfisleep
