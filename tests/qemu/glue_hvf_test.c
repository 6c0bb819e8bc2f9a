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

#include <pthread.h>

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

static void *kick_later(void *arg) {
    (void)arg;
    g_usleep(30000);
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
    pthread_join(t, NULL);
    CHECK(ms >= 20 && ms < 2000, "woke after %.1f ms for a kick at 30 ms", ms);
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
    };

    return run_scenarios("glue (core + hvf)", scenarios, G_N_ELEMENTS(scenarios));
}
