/*
 * HVF WFI wait through the wfisleep library (meson option "wfisleep")
 *
 * Copyright (c) 2026 The wfisleep authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One file for every QEMU line the series exists for: only the hooks in
 * hvf.c differ between lines.
 *
 * Opt-in: with none of HVF_WFI_SLEEP / WFISLEEP_POLICY set the policy is
 * "off", no per-vCPU state exists and every hook returns at once.
 *  - HVF_WFI_SLEEP=N ("seed"): sleep as the seed policy says where upstream
 *    would re-enter the guest at once. Not used where QEMU halts idle vCPUs
 *    itself (11.1 and later): one console line says so.
 *  - WFISLEEP_POLICY=adaptive: the library waits to the guest timer
 *    deadline on the vCPU thread.
 *  - WFISLEEP_STATS=1: per-vCPU counters on stderr at exit.
 */

#ifndef TARGET_ARM_HVF_WFISLEEP_H
#define TARGET_ARM_HVF_WFISLEEP_H

#include <wfisleep/wfisleep.h>

typedef enum HVFWfisleepMode {
    HVF_WFISLEEP_OFF,      /* upstream behaviour */
    HVF_WFISLEEP_SEED,     /* sleep only where upstream re-enters at once */
    HVF_WFISLEEP_ADAPTIVE, /* the library does the whole WFI wait */
} HVFWfisleepMode;

/*
 * Parses the configuration once; main thread, from hvf_arch_init().
 * @upstream_halts: this QEMU halts an idle vCPU itself, so the seed's
 * sleep has nothing to replace; a seed configuration is then reported and
 * left off.
 */
void hvf_wfisleep_init(bool upstream_halts);

/* Frees the vCPU's state (printing its stats); vCPU thread, BQL held. */
void hvf_wfisleep_vcpu_destroy(CPUState *cpu);

/*
 * The policy of this vCPU. Its state is created here on first use, on the
 * vCPU thread with the BQL held (so the seed's boot grace counts from the
 * vCPU's first WFI).
 */
HVFWfisleepMode hvf_wfisleep_mode(CPUState *cpu);

/*
 * A WFI found an interrupt already pending: counted as work (the seed's
 * idle streak restarts); no wait, the BQL stays held. No-op when OFF.
 */
void hvf_wfisleep_note_work(CPUState *cpu);

/*
 * One WFI with nothing pending at the caller's own check; vCPU thread, BQL
 * held, no-op when OFF. Discards kicks older than this trap, then samples
 * has_work: an interrupt, a stop or exit request, or queued work (every
 * reason QEMU kicks a vCPU). With work it returns at once, keeping the BQL.
 * Otherwise it releases the BQL, waits as the policy plans (deadline from
 * CNTV_CTL_EL0 / CNTV_CVAL_EL0), and takes the BQL again.
 */
void hvf_wfisleep_wfi(CPUState *cpu);

/* Any thread: ends this vCPU's wfisleep wait in progress, or its next one. */
void hvf_wfisleep_kick(CPUState *cpu);

#endif
