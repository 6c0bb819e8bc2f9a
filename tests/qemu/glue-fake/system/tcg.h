/* tcg.h (fake) - which accelerator runs, and whether with one thread per vCPU. */
#ifndef GLUE_FAKE_SYSTEM_TCG_H
#define GLUE_FAKE_SYSTEM_TCG_H
extern bool tcg_allowed;
#define tcg_enabled() (tcg_allowed)
bool qemu_tcg_mttcg_enabled(void);
#endif
