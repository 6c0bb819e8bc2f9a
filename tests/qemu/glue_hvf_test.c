/* glue_hvf_test.c - runs the QEMU glue's core and its HVF adapter
 * (integrations/qemu/glue/wfisleep-hvf.c.inc, which includes
 * wfisleep-core.c.inc) on Linux with the real library.
 *
 * QEMU and Hypervisor.framework are replaced by recording fakes (glue-fake/
 * headers, glue_fakes.c, the functions below): the BQL, the has-work
 * sources, CNTV_CTL/CVAL, mach_absolute_time (= CLOCK_MONOTONIC ns, the
 * library's Linux clock, with a 24 MHz guest counter as on Apple silicon),
 * the console. Asserts what the glue promises: no wait and no BQL release
 * when work is pending (interrupt, stop, exit request, queued work); a wait
 * to the guest timer deadline with the BQL released; stale kicks dropped,
 * later kicks ending the wait; WFISLEEP_STATS registered; the seed left off
 * where upstream halts; the policy off leaving everything untouched.
 */
#define _GNU_SOURCE
/* QEMU's rule: osdep.h before everything else. */
// clang-format off
#include "qemu/osdep.h"
#include "glue_fakes.h"
#include "system/hvf_int.h"
#include "target/arm/cpu.h"
#include "wfisleep-hvf.c.inc"
// clang-format on

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>

/* ---- Hypervisor.framework fakes ------------------------------------------- */

static HVFState fake_hvf_state;
HVFState *hvf_state = &fake_hvf_state;
static uint64_t cntv_ctl, cntv_cval;

#define COUNTER_HZ UINT64_C(24000000)

hv_return_t hv_vcpu_get_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg, uint64_t *value) {
    (void)vcpu;
    if (reg == HV_SYS_REG_CNTV_CTL_EL0) {
        *value = cntv_ctl;
    } else if (reg == HV_SYS_REG_CNTV_CVAL_EL0) {
        *value = cntv_cval;
    } else {
        return HV_BAD_ARGUMENT;
    }
    return HV_SUCCESS;
}

/* The guest counter at 24 MHz, from the library's clock. */
uint64_t mach_absolute_time(void) {
    uint64_t ns = mono_ns();

    return ns / 1000 * 24 + ns % 1000 * 24 / 1000;
}

/* ---- the library's plans, seen on their way (the real library runs them) -- */

static uint64_t plan_early_ns;     /* set by a test: plans end this much early */
static uint64_t plan_deadline;     /* the deadline of the last plan2 */
static int planned_past_deadline;  /* plans the library made ending after it */
static int executed_past_deadline; /* plans the glue ran ending after it */

static uint64_t plan_end(const wfisleep_plan2 *plan) {
    return plan->nphases ? plan->phase[plan->nphases - 1].end_ns : plan->start_ns;
}

int wfisleep_vcpu_plan2(wfisleep_vcpu *vcpu, uint64_t now_ns, int has_work, uint64_t deadline_ns,
                        wfisleep_plan2 *out) {
    static int (*real)(wfisleep_vcpu *, uint64_t, int, uint64_t, wfisleep_plan2 *);
    int rc;

    if (!real) {
        *(void **)&real = dlsym(RTLD_NEXT, "wfisleep_vcpu_plan2");
    }
    rc = real(vcpu, now_ns, has_work, deadline_ns, out);
    if (plan_early_ns && out->nphases && deadline_ns != WFISLEEP_NO_DEADLINE) {
        /* One precise phase (a busy wait) that ends that much early. */
        out->nphases = 1;
        out->phase[0].kind = WFISLEEP_PHASE_SPIN;
        out->phase[0].flags = 0;
        out->phase[0].end_ns = deadline_ns - plan_early_ns;
    }
    plan_deadline = deadline_ns;
    if (plan_end(out) > out->start_ns && plan_end(out) > deadline_ns) {
        planned_past_deadline++;
    }
    return rc;
}

uint64_t wfisleep_vcpu_wait2(wfisleep_vcpu *vcpu, const wfisleep_plan2 *plan, wfisleep_outcome *o) {
    static uint64_t (*real)(wfisleep_vcpu *, const wfisleep_plan2 *, wfisleep_outcome *);

    if (!real) {
        *(void **)&real = dlsym(RTLD_NEXT, "wfisleep_vcpu_wait2");
    }
    if (plan_end(plan) > plan->start_ns && plan_end(plan) > plan_deadline) {
        executed_past_deadline++;
    }
    return real(vcpu, plan, o);
}

/* ---- the vCPU under test ------------------------------------------------ */

static AccelCPUState accel;
static ARMCPU arm_cpu = {.gt_cntfrq_hz = COUNTER_HZ};
static CPUState *cpu = &arm_cpu.parent_obj;

/* Guest timer enabled, due in ns from now (the counter runs at 24 MHz). */
static void timer_in(uint64_t ns) {
    cntv_ctl = 1;
    cntv_cval = mach_absolute_time() - hvf_state->vtimer_offset + ns * COUNTER_HZ / 1000000000u;
}

static void timer_off(void) {
    cntv_ctl = 0;
}

/* One WFI; returns its duration in ms. */
static double wfi_ms(void) {
    uint64_t t0 = mono_ns();

    hvf_wfisleep_wfi(cpu);
    return (double)(mono_ns() - t0) / 1e6;
}

/* One WFI through the 11.1 hook; returns its duration in ms. */
static double wfi_irqchip_ms(bool kernel_irqchip) {
    uint64_t t0 = mono_ns();

    hvf_wfisleep_wfi_irqchip(cpu, kernel_irqchip);
    return (double)(mono_ns() - t0) / 1e6;
}

static void setup(const char *const *env, bool upstream_halts) {
    fake_setup(env);
    cpu->accel = &accel;
    hvf_wfisleep_init(upstream_halts);
}

/* ---- scenarios ---------------------------------------------------------- */

static void off_touches_nothing(void) {
    setup(NULL, false);
    CHECK(hvf_wfisleep_mode(cpu) == WFIS_OFF, "mode %d", hvf_wfisleep_mode(cpu));
    timer_in(UINT64_C(2000) * 1000000); /* a wait would take 2 s: the bound below is loose */
    CHECK(wfi_ms() < 1000, "a wait happened with the policy off");
    hvf_wfisleep_note_work(cpu);
    hvf_wfisleep_kick(cpu);
    CHECK(bql_unlocks == 0, "BQL released %d times", bql_unlocks);
}

static void work_keeps_the_bql(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", NULL};
    bool *reasons[] = {&work_interrupt, &cpu->stop, &cpu->exit_request, &work_queued};

    setup(env, false);
    CHECK(hvf_wfisleep_mode(cpu) == WFIS_ADAPTIVE, "mode %d", hvf_wfisleep_mode(cpu));
    timer_in(UINT64_C(2000) * 1000000); /* a wait would take 2 s: the bound below is loose */
    for (size_t i = 0; i < G_N_ELEMENTS(reasons); i++) {
        *reasons[i] = true;
        double ms = wfi_ms();
        *reasons[i] = false;
        CHECK(ms < 1000, "reason %zu: waited %.1f ms with work pending", i, ms);
        CHECK(bql_unlocks == 0, "reason %zu: BQL released with work pending", i);
    }
    CHECK(!sampled_unlocked, "has-work read without the BQL");
}

static void waits_to_the_deadline_without_the_bql(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", NULL};

    setup(env, false);
    timer_in(UINT64_C(30) * 1000000);
    double ms = wfi_ms();
    CHECK(ms >= 20 && ms < 2000, "waited %.1f ms for a 30 ms deadline", ms);
    CHECK(bql_unlocks == 1 && bql_held, "BQL released %d times, held after: %d", bql_unlocks,
          bql_held);
    CHECK(!sampled_unlocked, "has-work read without the BQL");
}

static void stale_kick_is_dropped(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", "WFISLEEP_STATS=1", NULL};

    setup(env, false);
    hvf_wfisleep_note_work(cpu); /* state exists; the vCPU "runs the guest" */
    hvf_wfisleep_kick(cpu);      /* an interrupt raised and taken meanwhile */
    timer_in(UINT64_C(30) * 1000000);
    double ms = wfi_ms();
    CHECK(ms >= 20, "a stale kick cut the wait to %.1f ms", ms);
    run_exit_notifiers();
    CHECK(strstr(console->str, "1 stale kicks dropped") != NULL,
          "stats do not count the stale kick");
}

static void kick_after_the_sample(void) {
    hvf_wfisleep_kick(cpu);
}

static void kick_after_has_work_ends_the_wait(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", NULL};

    setup(env, false);
    on_work_sample = kick_after_the_sample; /* the cause lands just after it was sampled */
    timer_in(UINT64_C(1000) * 1000000);
    double ms = wfi_ms();
    CHECK(ms < 500, "a kick between the has-work sample and the wait was lost (%.1f ms)", ms);
}

/* When the kicking thread kicked (the wait must not end before). */
static uint64_t kicked_at_ns;

static void *kick_later(void *arg) {
    (void)arg;
    g_usleep(30000);
    qatomic_set(&kicked_at_ns, mono_ns());
    hvf_wfisleep_kick(cpu);
    return NULL;
}

static void kick_from_another_thread_ends_the_wait(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", NULL};
    pthread_t t;

    setup(env, false);
    timer_off(); /* no deadline: only a kick ends the wait */
    pthread_create(&t, NULL, kick_later, NULL);
    double ms = wfi_ms();
    uint64_t end = mono_ns();
    pthread_join(t, NULL);
    /* Not before the kick (a loaded host may start the wait late). */
    CHECK(end >= qatomic_read(&kicked_at_ns) && ms < 2000, "woke after %.1f ms, %s the kick", ms,
          end >= qatomic_read(&kicked_at_ns) ? "after" : "before");
    CHECK(bql_unlocks == 1 && bql_held, "BQL released %d times, held after: %d", bql_unlocks,
          bql_held);
}

static void seed_on_10x_and_11_0(void) {
    static const char *const env[] = {"HVF_WFI_SLEEP=100", NULL};

    setup(env, false);
    CHECK(hvf_wfisleep_mode(cpu) == WFIS_SEED, "mode %d", hvf_wfisleep_mode(cpu));
    CHECK(strstr(console->str, "HVF: WFI adaptive sleep: max 100") != NULL, "no seed announcement");
}

static void seed_off_where_upstream_halts(void) {
    static const char *const env[] = {"HVF_WFI_SLEEP=100", NULL};

    setup(env, true);
    CHECK(hvf_wfisleep_mode(cpu) == WFIS_OFF, "mode %d", hvf_wfisleep_mode(cpu));
    CHECK(strstr(console->str, "not needed on this QEMU") != NULL,
          "no line saying the seed is not needed");
    CHECK(strstr(console->str, "HVF: WFI adaptive sleep") == NULL,
          "the seed announced itself anyway");
}

static void stats_name_is_registered(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", "WFISLEEP_STATS=1",
                                      "WFISLEEP_NO_SUCH_KNOB=1", NULL};

    setup(env, false);
    /* The unknown name is reported, so silence about WFISLEEP_STATS means it is registered. */
    CHECK(strstr(console->str, "WFISLEEP_NO_SUCH_KNOB") != NULL, "no warning for an unknown name");
    CHECK(strstr(console->str, "WFISLEEP_STATS") == NULL, "WFISLEEP_STATS drew a warning");
    hvf_wfisleep_note_work(cpu);
    run_exit_notifiers();
    CHECK(strstr(console->str, "wfisleep: vCPU 0 (adaptive): 1 idle calls, 1 with work pending") !=
              NULL,
          "no stats line at exit");
    hvf_wfisleep_vcpu_destroy(cpu);
    /* What stays is the glue's own entry count, not the vCPU's notifier. */
    CHECK(exit_notifiers == &wfis_entries_notifier && exit_notifiers->next == NULL,
          "destroy left its exit notifier registered");
}

static void bad_value_means_off(void) {
    static const char *const env[] = {"HVF_WFI_SLEEP=fast", NULL};

    setup(env, false);
    CHECK(hvf_wfisleep_mode(cpu) == WFIS_OFF, "mode %d", hvf_wfisleep_mode(cpu));
    CHECK(strstr(console->str, "HVF_WFI_SLEEP=\"fast\"") != NULL &&
              strstr(console->str, "stays QEMU's own") != NULL,
          "no warning naming the variable and value");
}

static void index_beyond_the_table(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", NULL};

    setup(env, false);
    cpu->cpu_index = 100000;
    CHECK(hvf_wfisleep_mode(cpu) == WFIS_OFF, "mode %d", hvf_wfisleep_mode(cpu));
    hvf_wfisleep_kick(cpu);
    CHECK(strstr(console->str, "beyond") != NULL, "no warning for the index");
}

static uint64_t guest_counter(void) {
    return mach_absolute_time() - hvf_state->vtimer_offset;
}

/*
 * Plans that end one tick early, and 10 us (more than the glue's own
 * return path takes): either way the guest counter has reached CVAL when the glue
 * returns, so 11.1's code re-enters the guest instead of halting.
 */
static void unkicked_wait_ends_on_the_counter(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", NULL};
    static const uint64_t early_ticks[] = {1, 240};

    setup(env, false);
    for (size_t e = 0; e < G_N_ELEMENTS(early_ticks); e++) {
        plan_early_ns = (early_ticks[e] * 1000000000u + COUNTER_HZ - 1) / COUNTER_HZ;
        for (int i = 0; i < 10; i++) {
            timer_in(UINT64_C(2) * 1000000);
            double ms = wfi_ms();
            uint64_t now = guest_counter();
            CHECK(now >= cntv_cval,
                  "%" PRIu64 " ticks early, wait %d: ended %" PRIu64 " ticks before CVAL",
                  early_ticks[e], i, cntv_cval - now);
            CHECK(ms >= 1.5 && ms < 500, "wait %d took %.3f ms for a 2 ms deadline", i, ms);
        }
    }
    plan_early_ns = 0;
    CHECK(bql_held, "BQL not held after the waits");
}

/* WFIs with the guest timer already due. */
static void due_wfis(int n) {
    for (int i = 0; i < n; i++) {
        timer_in(0);
        hvf_wfisleep_wfi(cpu);
    }
}

/*
 * Asserted on the plans, not on wall time (a loaded host wakes sleepers
 * late): the library plans the seed's sleep past the deadline, the glue
 * never runs such a plan.
 */
static void kickable_seed_keeps_the_deadline(void) {
    static const char *const env[] = {"HVF_WFI_SLEEP=10000", "WFISLEEP_BOOT_GRACE_MS=0",
                                      "WFISLEEP_SEED_STRICT=0", NULL};

    setup(env, false);
    CHECK(hvf_wfisleep_mode(cpu) == WFIS_SEED, "mode %d", hvf_wfisleep_mode(cpu));
    /* Rapid traps 51 and later: the seed sleeps 1, 2.5, 5 ms. */
    due_wfis(210);
    CHECK(planned_past_deadline > 0, "the seed never wanted to sleep (test too weak)");
    CHECK(executed_past_deadline == 0, "%d seed sleeps ran past a due deadline",
          executed_past_deadline);
    /* A deadline 1 ms away, nearer than the seed's sleep. */
    timer_in(UINT64_C(1) * 1000000);
    hvf_wfisleep_wfi(cpu);
    CHECK(executed_past_deadline == 0, "a seed sleep ran past a deadline 1 ms away");
}

static void strict_seed_keeps_its_sleep(void) {
    static const char *const env[] = {"HVF_WFI_SLEEP=1000", "WFISLEEP_BOOT_GRACE_MS=0",
                                      "WFISLEEP_SEED_STRICT=1", NULL};

    setup(env, false);
    /* Trap 51 sleeps 10% of 1 ms, due timer or not: the document's behaviour. */
    due_wfis(60);
    CHECK(executed_past_deadline > 0, "the strict seed's sleep was cut at the deadline");
}

static pthread_t vcpu_thread;

/* As hvf_kick_vcpu_thread(): SIG_IPI (cpus_kick_thread), then the wfisleep kick. */
static void *kick_with_ipi_later(void *arg) {
    (void)arg;
    g_usleep(30000);
    qatomic_set(&kicked_at_ns, mono_ns());
    pthread_kill(vcpu_thread, SIG_IPI);
    hvf_wfisleep_kick(cpu);
    return NULL;
}

static void kick_leaves_no_sig_ipi(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", NULL};
    sigset_t ipi, pending;
    pthread_t t;

    setup(env, false);
    /* As on QEMU's vCPU threads: SIG_IPI blocked outside pselect(). */
    sigemptyset(&ipi);
    sigaddset(&ipi, SIG_IPI);
    pthread_sigmask(SIG_BLOCK, &ipi, NULL);
    vcpu_thread = pthread_self();
    timer_off();
    pthread_create(&t, NULL, kick_with_ipi_later, NULL);
    double ms = wfi_ms();
    uint64_t end = mono_ns();
    pthread_join(t, NULL);
    /* Not before the kick (a loaded host may start the wait late). */
    CHECK(end >= qatomic_read(&kicked_at_ns) && ms < 2000, "woke after %.1f ms, %s the kick", ms,
          end >= qatomic_read(&kicked_at_ns) ? "after" : "before");
    sigpending(&pending);
    CHECK(!sigismember(&pending, SIG_IPI), "SIG_IPI still pending after the kicked wait");
}

static void kernel_irqchip_never_waits(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", NULL};
    static const char line[] = "WFI is handled by Hypervisor.framework (kernel-irqchip=on)";

    setup(env, true);
    timer_in(UINT64_C(30) * 1000000);
    /* The hook's argument alone keeps the glue out. */
    CHECK(wfi_irqchip_ms(true) < 20, "waited with the in-kernel GIC before vCPU init");
    hvf_wfisleep_vcpu_init(cpu, true);
    hvf_wfisleep_vcpu_init(cpu, true); /* a second vCPU */
    const char *first = strstr(console->str, line);
    CHECK(first != NULL && strstr(first + 1, line) == NULL, "the line is not there exactly once");
    timer_in(UINT64_C(30) * 1000000);
    double ms = 0;
    for (int i = 0; i < 5; i++) {
        ms += wfi_irqchip_ms(true);
    }
    hvf_wfisleep_note_work(cpu);
    CHECK(ms < 20, "waited %.1f ms with the in-kernel GIC", ms);
    CHECK(bql_unlocks == 0, "BQL released %d times", bql_unlocks);
}

static void userspace_gic_waits_on_11_1(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", NULL};

    setup(env, true);
    hvf_wfisleep_vcpu_init(cpu, false);
    CHECK(strstr(console->str, "kernel-irqchip") == NULL, "a kernel-irqchip line without it");
    timer_in(UINT64_C(30) * 1000000);
    double ms = wfi_irqchip_ms(false);
    CHECK(ms >= 20 && ms < 2000, "waited %.1f ms for a 30 ms deadline", ms);
}

static void kernel_irqchip_without_policy_is_silent(void) {
    setup(NULL, true);
    hvf_wfisleep_vcpu_init(cpu, true);
    CHECK(strstr(console->str, "kernel-irqchip") == NULL, "a line although no policy is set");
}

static void psci_suspend_idles_as_wfi(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", NULL};

    setup(env, false);
    timer_in(UINT64_C(30) * 1000000);
    uint64_t t0 = mono_ns();
    hvf_wfisleep_psci_suspend(cpu);
    double ms = (double)(mono_ns() - t0) / 1e6;
    CHECK(ms >= 20 && ms < 2000, "CPU_SUSPEND waited %.1f ms for a 30 ms deadline", ms);
    CHECK(bql_unlocks == 1 && bql_held, "BQL released %d times, held after: %d", bql_unlocks,
          bql_held);
    work_interrupt = true;
    t0 = mono_ns();
    hvf_wfisleep_psci_suspend(cpu);
    ms = (double)(mono_ns() - t0) / 1e6;
    work_interrupt = false;
    CHECK(ms < 10, "CPU_SUSPEND waited %.1f ms with an interrupt pending", ms);
}

int main(void) {
    static const GlueScenario scenarios[] = {
        {"off_touches_nothing", off_touches_nothing},
        {"work_keeps_the_bql", work_keeps_the_bql},
        {"waits_to_the_deadline_without_the_bql", waits_to_the_deadline_without_the_bql},
        {"stale_kick_is_dropped", stale_kick_is_dropped},
        {"kick_after_has_work_ends_the_wait", kick_after_has_work_ends_the_wait},
        {"kick_from_another_thread_ends_the_wait", kick_from_another_thread_ends_the_wait},
        {"seed_on_10x_and_11_0", seed_on_10x_and_11_0},
        {"seed_off_where_upstream_halts", seed_off_where_upstream_halts},
        {"stats_name_is_registered", stats_name_is_registered},
        {"bad_value_means_off", bad_value_means_off},
        {"index_beyond_the_table", index_beyond_the_table},
        {"unkicked_wait_ends_on_the_counter", unkicked_wait_ends_on_the_counter},
        {"kickable_seed_keeps_the_deadline", kickable_seed_keeps_the_deadline},
        {"strict_seed_keeps_its_sleep", strict_seed_keeps_its_sleep},
        {"kick_leaves_no_sig_ipi", kick_leaves_no_sig_ipi},
        {"kernel_irqchip_never_waits", kernel_irqchip_never_waits},
        {"psci_suspend_idles_as_wfi", psci_suspend_idles_as_wfi},
        {"userspace_gic_waits_on_11_1", userspace_gic_waits_on_11_1},
        {"kernel_irqchip_without_policy_is_silent", kernel_irqchip_without_policy_is_silent},
    };

    return run_scenarios("glue (core + hvf)", scenarios, G_N_ELEMENTS(scenarios));
}
