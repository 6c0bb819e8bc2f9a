/* accel-cpu-ops.h (fake) - the accelerator's kick hook the TCG adapter wraps. */
#ifndef GLUE_FAKE_ACCEL_CPU_OPS_H
#define GLUE_FAKE_ACCEL_CPU_OPS_H
typedef struct ObjectClass ObjectClass;
typedef struct AccelOpsClass {
    void (*kick_vcpu_thread)(CPUState *cpu);
} AccelOpsClass;
#define ACCEL_OPS_NAME(name) (name "-accel-ops")
#define ACCEL_OPS_CLASS(klass) ((AccelOpsClass *)(klass))
ObjectClass *object_class_by_name(const char *name);
#endif
