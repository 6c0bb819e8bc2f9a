/* SPDX-License-Identifier: MIT */
/* mach_time.h - declaration-only shim of Apple's <mach/mach_time.h> for syntax checks on Linux. */
#ifndef WFISLEEP_SHIM_MACH_MACH_TIME_H
#define WFISLEEP_SHIM_MACH_MACH_TIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int kern_return_t;

/* Ticks of mach_absolute_time() = numer / denom nanoseconds. */
struct mach_timebase_info {
    uint32_t numer;
    uint32_t denom;
};
typedef struct mach_timebase_info *mach_timebase_info_t;
typedef struct mach_timebase_info mach_timebase_info_data_t;

kern_return_t mach_timebase_info(mach_timebase_info_t info);
/* Monotonic tick counter; on Apple Silicon the same counter the guest sees as CNTVCT_EL0 (plus offset). */
uint64_t mach_absolute_time(void);
uint64_t mach_continuous_time(void);
/* Sleeps until mach_absolute_time() >= deadline. */
kern_return_t mach_wait_until(uint64_t deadline);

#ifdef __cplusplus
}
#endif

#endif /* WFISLEEP_SHIM_MACH_MACH_TIME_H */
