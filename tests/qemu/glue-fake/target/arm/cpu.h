/* cpu.h (fake) - the ARMCPU field the glue reads. */
#ifndef GLUE_FAKE_TARGET_ARM_CPU_H
#define GLUE_FAKE_TARGET_ARM_CPU_H
typedef struct ARMCPU {
    CPUState parent_obj;
    uint64_t gt_cntfrq_hz;
} ARMCPU;
#define ARM_CPU(obj) ((ARMCPU *)(obj))
#endif
