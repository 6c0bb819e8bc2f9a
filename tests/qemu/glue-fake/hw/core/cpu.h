/* cpu.h (fake) - the CPUState fields the glue reads. */
#ifndef GLUE_FAKE_HW_CORE_CPU_H
#define GLUE_FAKE_HW_CORE_CPU_H
struct CPUState {
    int cpu_index;
    bool stop;          /* a pending stop request */
    bool exit_request;  /* another thread asks the vCPU to leave the guest */
    AccelCPUState *accel;
};
#define CPU(obj) ((CPUState *)(obj))
bool cpu_has_work(CPUState *cpu);
#endif
