/* hvf_int.h (fake) - the HVF accelerator state the glue reads. */
#ifndef GLUE_FAKE_SYSTEM_HVF_INT_H
#define GLUE_FAKE_SYSTEM_HVF_INT_H
#include <Hypervisor/Hypervisor.h>
#include <stdlib.h>
struct AccelCPUState {
    hv_vcpu_t fd;
};
typedef struct HVFState {
    uint64_t vtimer_offset; /* guest counter = mach_absolute_time() - this */
} HVFState;
extern HVFState *hvf_state;
/* QEMU's aborts with a message; this one just aborts (in every build type). */
static inline void assert_hvf_ok(hv_return_t ret)
{
    if (ret != HV_SUCCESS) {
        abort();
    }
}
#endif
