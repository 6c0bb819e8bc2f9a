/* cpu.h (fake) - the ARMCPU fields the glue reads: the generic timers and their clock. */
#ifndef GLUE_FAKE_TARGET_ARM_CPU_H
#define GLUE_FAKE_TARGET_ARM_CPU_H
#include "hw/core/cpu.h"
enum { GTIMER_PHYS, GTIMER_VIRT, GTIMER_HYP, GTIMER_SEC, GTIMER_HYPVIRT, NUM_GTIMERS };
#define SCR_ECVEN (1ULL << 28)
typedef struct ARMGenericTimer {
    uint64_t cval; /* CompareValue */
    uint64_t ctl;  /* ENABLE (bit 0), IMASK (bit 1), ISTATUS (bit 2) */
} ARMGenericTimer;
typedef struct CPUARMState {
    struct {
        ARMGenericTimer c14_timer[NUM_GTIMERS];
        uint64_t cntvoff_el2;
        uint64_t scr_el3;
    } cp15;
} CPUARMState;
typedef struct ARMCPU {
    CPUState parent_obj;
    CPUARMState env;
    uint64_t gt_cntfrq_hz;
} ARMCPU;
#define ARM_CPU(obj) ((ARMCPU *)(obj))
unsigned int gt_cntfrq_period_ns(ARMCPU *cpu);
uint64_t gt_get_countervalue(CPUARMState *env); /* internals.h in QEMU */
void arm_gt_ptimer_cb(void *opaque);
void arm_gt_vtimer_cb(void *opaque);
#endif
