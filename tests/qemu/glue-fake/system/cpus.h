/* cpus.h (fake) - queued work (async_run_on_cpu and friends). */
#ifndef GLUE_FAKE_SYSTEM_CPUS_H
#define GLUE_FAKE_SYSTEM_CPUS_H
bool cpu_work_list_empty(CPUState *cpu);
#endif
