/*
 * HVF WFI wait through the wfisleep library (meson option "wfisleep")
 *
 * Copyright (c) 2026 The wfisleep authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/notify.h"
#include "hw/core/cpu.h"
#include "system/system.h"
#include "system/cpus.h"
#include "system/hvf.h"
#include "system/hvf_int.h"
#include "target/arm/cpu.h"
#include "hvf-wfisleep.h"

#include <mach/mach_time.h>

/* CNTV_CTL_EL0 bits (Arm ARM D13.8.17) */
#define WFIS_CNTV_ENABLE (1 << 0)
#define WFIS_CNTV_IMASK  (1 << 1)

/*
 * Per-vCPU state lives in a table indexed by cpu_index rather than in
 * AccelCPUState, so no QEMU header needs a hunk (its layout differs from
 * one QEMU line to the next).
 */
#define WFIS_MAX_VCPUS 1024

struct HVFWfisleepVCPU {
    wfisleep_vcpu *vcpu;      /* owned by the vCPU thread; others only kick */
    int cpu_index;
    Notifier exit_notifier;   /* prints the stats at exit (WFISLEEP_STATS=1) */
};

/* Published with a store-release: a kicker sees an initialised object. */
static struct HVFWfisleepVCPU *wfis_vcpus[WFIS_MAX_VCPUS];

/*
 * Set once by hvf_wfisleep_init() before any vCPU exists; never freed:
 * the config must outlive every vCPU made from it.
 */
static wfisleep_config *wfis_config;
static HVFWfisleepMode wfis_mode = HVF_WFISLEEP_OFF;
static bool wfis_stats;

/*
 * While parsing (main thread, no vCPU yet): the library's lines are held
 * until the policy is known, then printed where QEMU prints its own. Kept
 * for the life of the process, as the library asks of a log hook's ctx.
 */
static GPtrArray *wfis_held;

static void hvf_wfisleep_log_held(void *opaque, const char *line)
{
    g_ptr_array_add(opaque, g_strdup(line));
}

void hvf_wfisleep_init(bool upstream_halts)
{
    const char *stats = g_getenv("WFISLEEP_STATS");
    const char *policy;
    char err[512] = "";
    int rc;
    guint i;

    /* QEMU's own switch: the library neither warns about it nor reads it. */
    if (wfisleep_config_allow("WFISLEEP_STATS") != 0) {
        warn_report("wfisleep: the library refused to register "
                    "WFISLEEP_STATS; it may warn about it as unknown");
    }
    wfis_held = g_ptr_array_new_with_free_func(g_free);
    wfisleep_set_log(hvf_wfisleep_log_held, wfis_held);
    rc = wfisleep_config_parse(&wfis_config, NULL, err, sizeof(err));
    /*
     * Later lines come from vCPU threads (the seed's "NOW ACTIVE"), where a
     * hook must not block: the library's default writes to stderr only
     * when that cannot block.
     */
    wfisleep_set_log(NULL, NULL);
    if (!wfis_config) {
        warn_report("wfisleep: out of memory; the HVF WFI wait stays "
                    "QEMU's own");
        return;
    }

    policy = wfisleep_config_policy(wfis_config);
    if (strcmp(policy, "seed") == 0) {
        wfis_mode = HVF_WFISLEEP_SEED;
    } else if (strcmp(policy, "adaptive") == 0) {
        wfis_mode = HVF_WFISLEEP_ADAPTIVE;
    }
    if (wfis_mode == HVF_WFISLEEP_SEED && upstream_halts) {
        /* Nothing to replace: this QEMU already sleeps an idle vCPU. */
        wfis_mode = HVF_WFISLEEP_OFF;
        error_printf("wfisleep: seed policy (HVF_WFI_SLEEP) not needed on "
                     "this QEMU: it halts idle vCPUs itself; "
                     "WFISLEEP_POLICY=adaptive wakes them on time\n");
    } else {
        for (i = 0; i < wfis_held->len; i++) {
            error_printf("%s\n", (char *)g_ptr_array_index(wfis_held, i));
        }
    }
    g_ptr_array_set_size(wfis_held, 0);
    if (rc != 0) {
        /* The config is "off" now: the message names variable and value. */
        warn_report("%s; the HVF WFI wait stays QEMU's own", err);
    }

    if (stats && strcmp(stats, "1") == 0) {
        wfis_stats = true;
    } else if (stats && *stats && strcmp(stats, "0") != 0) {
        warn_report("WFISLEEP_STATS=\"%s\" is invalid; accepted: 0 or 1 "
                    "(print per-vCPU wfisleep stats at exit)", stats);
    }
}

static void hvf_wfisleep_print_stats(struct HVFWfisleepVCPU *w)
{
    wfisleep_stats s = { .size = sizeof(s) };

    wfisleep_vcpu_stats(w->vcpu, &s);
    error_printf("wfisleep: vCPU %d (%s): %" PRIu64 " idle calls, %" PRIu64
                 " with work pending, %" PRIu64 " sleeps, %" PRIu64
                 " kicked waits (%" PRIu64 " in poll), %" PRIu64
                 " stale kicks dropped; slept %.3f s, polled %.3f s, spun"
                 " %.3f s; %" PRIu64 " late wakes, advance %" PRIu64
                 " ns, poll window %" PRIu64 " ns\n",
                 w->cpu_index, wfisleep_config_policy(wfis_config),
                 s.idle_calls, s.work_returns, s.sleeps, s.kicks, s.poll_hits,
                 s.stale_kicks, s.sleep_ns / 1e9, s.poll_ns / 1e9,
                 s.spin_ns / 1e9, s.late_wakes, s.advance_ns,
                 s.poll_window_ns);
}

static void hvf_wfisleep_exit_notify(Notifier *n, void *data)
{
    /* The library's stats are readable while the vCPU runs. */
    hvf_wfisleep_print_stats(container_of(n, struct HVFWfisleepVCPU,
                                          exit_notifier));
}

/* This vCPU's state, created on first use; NULL when the policy is off. */
static struct HVFWfisleepVCPU *hvf_wfisleep_get(CPUState *cpu)
{
    struct HVFWfisleepVCPU *w;

    if (wfis_mode == HVF_WFISLEEP_OFF) {
        return NULL; /* no state: every hook is a no-op */
    }
    if (cpu->cpu_index < 0 || cpu->cpu_index >= WFIS_MAX_VCPUS) {
        warn_report_once("wfisleep: vCPU index %d is beyond %d; its WFI "
                         "wait stays QEMU's own", cpu->cpu_index,
                         WFIS_MAX_VCPUS);
        return NULL;
    }
    w = wfis_vcpus[cpu->cpu_index]; /* only this thread stores it */
    if (w) {
        return w;
    }
    w = g_new0(struct HVFWfisleepVCPU, 1);
    /* The seed's boot grace counts from here. */
    w->vcpu = wfisleep_vcpu_new(wfis_config, wfisleep_now_ns());
    if (!w->vcpu) {
        warn_report_once("wfisleep: out of memory for vCPU %d; its WFI "
                         "wait stays QEMU's own", cpu->cpu_index);
        g_free(w);
        return NULL;
    }
    w->cpu_index = cpu->cpu_index;
    if (wfis_stats) {
        w->exit_notifier.notify = hvf_wfisleep_exit_notify;
        qemu_add_exit_notifier(&w->exit_notifier);
    }
    qatomic_store_release(&wfis_vcpus[cpu->cpu_index], w);
    return w;
}

void hvf_wfisleep_vcpu_destroy(CPUState *cpu)
{
    struct HVFWfisleepVCPU *w;

    if (cpu->cpu_index < 0 || cpu->cpu_index >= WFIS_MAX_VCPUS) {
        return;
    }
    w = wfis_vcpus[cpu->cpu_index];
    if (!w) {
        return;
    }
    /*
     * Kicks come from qemu_cpu_kick(), which upstream already assumes is
     * not called for a vCPU being destroyed (it calls hv_vcpus_exit() on
     * the same vCPU handle).
     */
    qatomic_set(&wfis_vcpus[cpu->cpu_index], NULL);
    if (wfis_stats) {
        hvf_wfisleep_print_stats(w);
        qemu_remove_exit_notifier(&w->exit_notifier);
    }
    wfisleep_vcpu_free(w->vcpu);
    g_free(w);
}

HVFWfisleepMode hvf_wfisleep_mode(CPUState *cpu)
{
    return hvf_wfisleep_get(cpu) ? wfis_mode : HVF_WFISLEEP_OFF;
}

void hvf_wfisleep_note_work(CPUState *cpu)
{
    struct HVFWfisleepVCPU *w = hvf_wfisleep_get(cpu);

    if (w) {
        wfisleep_vcpu_idle(w->vcpu, 1, WFISLEEP_NO_DEADLINE);
    }
}

/*
 * Everything that makes QEMU run this vCPU instead of idling it, i.e.
 * every reason it is kicked: the equivalent of !cpu_thread_is_idle() for
 * a vCPU that is about to halt. BQL held.
 */
static bool hvf_wfisleep_has_work(CPUState *cpu)
{
    return cpu_has_work(cpu) || cpu->stop ||
           qatomic_load_acquire(&cpu->exit_request) ||
           !cpu_work_list_empty(cpu);
}

/*
 * The guest virtual timer deadline on the wfisleep clock, which counts the
 * same ticks as the guest counter (mach_absolute_time): none when the
 * timer is disabled or its interrupt masked. Called while the VM runs, so
 * the counter is mach_absolute_time() minus QEMU's vtimer offset.
 */
static uint64_t hvf_wfisleep_deadline_ns(CPUState *cpu)
{
    uint64_t ctl, cval;
    hv_return_t r;

    r = hv_vcpu_get_sys_reg(cpu->accel->fd, HV_SYS_REG_CNTV_CTL_EL0, &ctl);
    assert_hvf_ok(r);
    if (!(ctl & WFIS_CNTV_ENABLE) || (ctl & WFIS_CNTV_IMASK)) {
        return WFISLEEP_NO_DEADLINE;
    }
    r = hv_vcpu_get_sys_reg(cpu->accel->fd, HV_SYS_REG_CNTV_CVAL_EL0, &cval);
    assert_hvf_ok(r);
    return wfisleep_counter_deadline_ns(wfisleep_now_ns(),
                                        mach_absolute_time() -
                                        hvf_state->vtimer_offset,
                                        cval, ARM_CPU(cpu)->gt_cntfrq_hz);
}

void hvf_wfisleep_wfi(CPUState *cpu)
{
    struct HVFWfisleepVCPU *w = hvf_wfisleep_get(cpu);
    uint64_t deadline;

    if (!w) {
        return;
    }
    /*
     * No lost wake-up: kicks older than this point are dropped, and their
     * causes are all visible to hvf_wfisleep_has_work() below (sampled
     * under the BQL). A cause raised after that sample comes with a kick
     * (qemu_cpu_kick() -> hvf_kick_vcpu_thread() -> hvf_wfisleep_kick()),
     * which stays pending in the library until a wait consumes it, so the
     * wait below ends at once however the kick and this call interleave.
     */
    wfisleep_vcpu_trap_begin(w->vcpu);
    if (hvf_wfisleep_has_work(cpu)) {
        /* Counted, no wait: the BQL is not dropped for nothing. */
        wfisleep_vcpu_idle(w->vcpu, 1, WFISLEEP_NO_DEADLINE);
        return;
    }
    deadline = hvf_wfisleep_deadline_ns(cpu);
    /* The BQL is never held while waiting. */
    bql_unlock();
    wfisleep_vcpu_idle(w->vcpu, 0, deadline);
    bql_lock();
}

void hvf_wfisleep_kick(CPUState *cpu)
{
    struct HVFWfisleepVCPU *w;

    if (cpu->cpu_index < 0 || cpu->cpu_index >= WFIS_MAX_VCPUS) {
        return;
    }
    w = qatomic_load_acquire(&wfis_vcpus[cpu->cpu_index]);
    if (w) {
        wfisleep_vcpu_kick(w->vcpu);
    }
}
