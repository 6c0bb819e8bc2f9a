// counter_time.h - guest counter ticks to ns, overflow-free and saturating.
#pragma once

#include <cstdint>

namespace wfisleep {

// See wfisleep_ticks_to_ns / wfisleep_counter_deadline_ns in wfisleep.h.
uint64_t ticks_to_ns(uint64_t ticks, uint64_t freq_hz) noexcept;
uint64_t counter_deadline_ns(uint64_t now_ns, uint64_t cntvct, uint64_t cval,
                             uint64_t freq_hz) noexcept;

}  // namespace wfisleep
