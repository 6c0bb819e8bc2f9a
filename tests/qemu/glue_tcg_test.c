/* glue_tcg_test.c - runs the QEMU glue's core and its TCG adapter
 * (integrations/qemu/glue/wfisleep-tcg.c.inc) on Linux with the real library.
 *
 * QEMU is replaced by recording fakes (glue-fake/ headers, glue_fakes.c,
 * the functions below): the guest's generic timers and its virtual clock
 * (CLOCK_MONOTONIC minus an offset, as QEMU_CLOCK_VIRTUAL is while the VM
 * runs), the timer callbacks that raise the interrupt, the RCU read side,
 * the accelerator's kick hook, multi-threaded TCG on or off. The vCPU
 * thread runs HELPER(wfi) without the BQL and inside cpu_exec()'s RCU read
 * side, as in QEMU. Asserts what the adapter promises: nothing changes
 * without a policy or with thread=single; an idle WFI waits to the timer
 * deadline outside the RCU read side and raises the timer itself, with the
 * BQL, never before the guest counter reaches CVAL; a due but unraised
 * timer is raised at once; an already asserted, masked, disabled or
 * unreachable timer is no deadline; the wrapped kick runs upstream's first
 * and ends the wait; pending work leaves the halt to upstream.
 */
#define _GNU_SOURCE
// clang-format off
#include "qemu/osdep.h"
#include "glue_fakes.h"
#include "target/arm/cpu.h"
#include "wfisleep-tcg.c.inc"
// clang-format on

#include <pthread.h>

/* ---- QEMU fakes --------------------------------------------------------- */

bool tcg_allowed = true;
static bool mttcg = true;
static AccelOpsClass fake_ops;
static Notifier *machine_ready;
static int64_t virt_offset; /* QEMU_CLOCK_VIRTUAL = CLOCK_MONOTONIC - this */
static int rcu_depth = 1;   /* cpu_exec()'s read side */
static int rcu_depth_at_sample = -1;
static int vtimer_raises, ptimer_raises;
static bool raised_without_bql, raised_early;
static int upstream_kicks;
static int upstream_kicks_at_wake = -1;

bool qemu_tcg_mttcg_enabled(void) {
    return mttcg;
}

ObjectClass *object_class_by_name(const char *name) {
    CHECK(strcmp(name, "tcg-accel-ops") == 0, "class %s", name);
    return (ObjectClass *)&fake_ops;
}

void qemu_add_machine_init_done_notifier(Notifier *n) {
    machine_ready = n;
}

static int64_t virt_frozen_at = -1; /* the VM is stopped: the guest's clock stands */

int64_t qemu_clock_get_ns(QEMUClockType type) {
    CHECK(type == QEMU_CLOCK_VIRTUAL, "clock %d", (int)type);
    return virt_frozen_at >= 0 ? virt_frozen_at : (int64_t)mono_ns() - virt_offset;
}

void rcu_read_lock(void) {
    rcu_depth++;
}

void rcu_read_unlock(void) {
    CHECK(rcu_depth > 0, "RCU read side left twice");
    rcu_depth--;
}

static ARMCPU arm_cpu = {.gt_cntfrq_hz = 1000000000u};
static CPUState *cpu = &arm_cpu.parent_obj;

unsigned int gt_cntfrq_period_ns(ARMCPU *c) {
    return c->gt_cntfrq_hz < 1000000000u ? (unsigned)(1000000000u / c->gt_cntfrq_hz) : 1;
}

uint64_t gt_get_countervalue(CPUARMState *env) {
    ARMCPU *c = container_of(env, ARMCPU, env);

    return (uint64_t)qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) / gt_cntfrq_period_ns(c);
}

/* QEMU's gt_recalc_timer(): ISTATUS from the unsigned compare. */
static void recalc(ARMCPU *c, int idx, uint64_t offset, int *raises) {
    ARMGenericTimer *gt = &c->env.cp15.c14_timer[idx];
    bool istatus = gt_get_countervalue(&c->env) - offset >= gt->cval;

    raised_without_bql |= !bql_held;
    raised_early |= !istatus;
    gt->ctl = istatus ? gt->ctl | 4 : gt->ctl & ~(uint64_t)4;
    (*raises)++;
}

void arm_gt_vtimer_cb(void *opaque) {
    recalc(opaque, GTIMER_VIRT, arm_cpu.env.cp15.cntvoff_el2, &vtimer_raises);
}

void arm_gt_ptimer_cb(void *opaque) {
    recalc(opaque, GTIMER_PHYS, 0, &ptimer_raises);
}

static void upstream_kick(CPUState *c) {
    (void)c;
    upstream_kicks++;
}

static void sample_rcu(void) {
    rcu_depth_at_sample = rcu_depth;
}

/* ---- helpers ------------------------------------------------------------- */

extern void (*glue_fake_type_init)(void);

/* QEMU start-up as far as the adapter sees it: type_init, then machine creation. */
static void setup(const char *const *env) {
    fake_setup(env);
    bql_held = false; /* multi-threaded TCG runs helpers without the BQL */
    virt_offset = (int64_t)mono_ns() - 5000000000; /* the VM has run 5 s */
    fake_ops.kick_vcpu_thread = upstream_kick;
    on_work_sample = sample_rcu;
    glue_fake_type_init();
    CHECK(machine_ready != NULL, "no machine-creation notifier registered");
    machine_ready->notify(machine_ready, NULL);
}

static const char *const adaptive[] = {"WFISLEEP_POLICY=adaptive", NULL};

static uint64_t counter(void) {
    return gt_get_countervalue(&arm_cpu.env);
}

/* Timer idx enabled, unmasked, not asserted, due in ns (guest counter ticks rounded up). */
static void timer_in(int idx, uint64_t offset, uint64_t ns) {
    uint64_t period = gt_cntfrq_period_ns(&arm_cpu);

    arm_cpu.env.cp15.c14_timer[idx].ctl = 1;
    arm_cpu.env.cp15.c14_timer[idx].cval = counter() - offset + (ns + period - 1) / period;
}

/* One WFI as HELPER(wfi) makes it; returns its duration in ms. */
static double wfi_ms(bool *waited) {
    uint64_t t0 = mono_ns();

    *waited = qatomic_read(&wfis_tcg_on) && wfis_tcg_wfi(cpu);
    return (double)(mono_ns() - t0) / 1e6;
}

static void *kick_later(void *arg) {
    (void)arg;
    g_usleep(30000);
    fake_ops.kick_vcpu_thread(cpu); /* what qemu_cpu_kick() calls */
    return NULL;
}

/* A WFI that only a kick (after 30 ms) can end; returns its duration in ms. */
static double kicked_wfi_ms(bool *waited) {
    pthread_t t;

    pthread_create(&t, NULL, kick_later, NULL);
    double ms = wfi_ms(waited);
    upstream_kicks_at_wake = upstream_kicks;
    pthread_join(t, NULL);
    return ms;
}

/* ---- scenarios ----------------------------------------------------------- */

static void no_policy_changes_nothing(void) {
    static const char *const env[] = {"WFISLEEP_STATS=1", NULL};

    setup(env);
    CHECK(!wfis_tcg_on, "the hook is on without a policy");
    CHECK(fake_ops.kick_vcpu_thread == upstream_kick, "the kick hook was wrapped");
    CHECK(strstr(console->str, "accelerator tcg, policy off") != NULL, "no start-up line");
    run_exit_notifiers();
    CHECK(strstr(console->str, "wfisleep: tcg: 0 waits entered") != NULL, "no entry count");
}

static void other_accelerator_changes_nothing(void) {
    tcg_allowed = false;
    setup(adaptive);
    CHECK(!wfis_tcg_on && fake_ops.kick_vcpu_thread == upstream_kick,
          "TCG glue active without TCG");
}

static void single_thread_stays_upstream(void) {
    mttcg = false;
    setup(adaptive);
    CHECK(!wfis_tcg_on, "the hook is on with thread=single");
    CHECK(fake_ops.kick_vcpu_thread == upstream_kick, "the kick hook was wrapped");
    CHECK(strstr(console->str, "thread=single") != NULL, "no line saying why");
}

static void seed_is_not_offered(void) {
    static const char *const env[] = {"HVF_WFI_SLEEP=100", NULL};

    setup(env);
    CHECK(!wfis_tcg_on, "the hook is on for the seed");
    CHECK(strstr(console->str, "not needed on this QEMU") != NULL, "no line saying why");
}

static void waits_to_the_deadline_and_raises_it(void) {
    bool waited;

    setup(adaptive);
    CHECK(wfis_tcg_on, "the hook is off with a policy");
    timer_in(GTIMER_VIRT, 0, UINT64_C(30) * 1000000);
    uint64_t cval = arm_cpu.env.cp15.c14_timer[GTIMER_VIRT].cval;
    double ms = wfi_ms(&waited);
    CHECK(waited && ms >= 29 && ms < 2000, "waited %d, %.1f ms for a 30 ms deadline", waited, ms);
    CHECK(vtimer_raises == 1 && ptimer_raises == 0, "raises: virt %d phys %d", vtimer_raises,
          ptimer_raises);
    CHECK(!raised_early && counter() >= cval, "raised before the counter reached CVAL");
    CHECK(!raised_without_bql && !bql_held, "BQL: raised without it %d, held after %d",
          raised_without_bql, bql_held);
    CHECK(rcu_depth_at_sample == 0 && rcu_depth == 1, "RCU depth while waiting %d, after %d",
          rcu_depth_at_sample, rcu_depth);
}

static void slow_counter_with_an_offset(void) {
    bool waited;

    arm_cpu.gt_cntfrq_hz = 62500000; /* QEMU's frequency for older machine types: 16 ns ticks */
    arm_cpu.env.cp15.cntvoff_el2 = UINT64_C(123456789);
    setup(adaptive);
    timer_in(GTIMER_VIRT, arm_cpu.env.cp15.cntvoff_el2, UINT64_C(20) * 1000000);
    double ms = wfi_ms(&waited);
    CHECK(waited && ms >= 19 && ms < 2000, "waited %d, %.1f ms for a 20 ms deadline", waited, ms);
    CHECK(vtimer_raises == 1 && !raised_early, "raises %d, early %d", vtimer_raises, raised_early);
}

static void physical_timer_when_virtual_is_off(void) {
    bool waited;

    setup(adaptive);
    timer_in(GTIMER_PHYS, 0, UINT64_C(20) * 1000000);
    double ms = wfi_ms(&waited);
    CHECK(waited && ms >= 19, "waited %d, %.1f ms", waited, ms);
    CHECK(ptimer_raises == 1 && vtimer_raises == 0 && !raised_early, "raises: phys %d virt %d",
          ptimer_raises, vtimer_raises);
}

static void due_but_unraised_is_raised_at_once(void) {
    bool waited;

    setup(adaptive);
    arm_cpu.env.cp15.c14_timer[GTIMER_VIRT].ctl = 1; /* the main loop has not run yet */
    arm_cpu.env.cp15.c14_timer[GTIMER_VIRT].cval = counter() - 1000;
    double ms = wfi_ms(&waited);
    CHECK(waited && ms < 50, "waited %d, %.1f ms for a due timer", waited, ms);
    CHECK(vtimer_raises == 1 && !raised_early, "raises %d", vtimer_raises);
}

static void cval_zero_is_due_whatever_the_counter(void) {
    bool waited;

    /* counter - offset wraps above 2^63: unsigned, CVAL 0 is still due (the hardware fires) */
    arm_cpu.env.cp15.cntvoff_el2 = UINT64_C(1) << 63;
    setup(adaptive);
    arm_cpu.env.cp15.c14_timer[GTIMER_VIRT].ctl = 1;
    arm_cpu.env.cp15.c14_timer[GTIMER_VIRT].cval = 0;
    double ms = wfi_ms(&waited);
    CHECK(waited && ms < 50 && vtimer_raises == 1, "waited %d, %.1f ms, raises %d", waited, ms,
          vtimer_raises);
}

/* Each of these is no deadline: only the kick ends the wait, and nothing is raised. */
static void no_deadline_case(uint64_t ctl, uint64_t cval) {
    bool waited;

    setup(adaptive);
    arm_cpu.env.cp15.c14_timer[GTIMER_VIRT].ctl = ctl;
    arm_cpu.env.cp15.c14_timer[GTIMER_VIRT].cval = cval;
    double ms = kicked_wfi_ms(&waited);
    CHECK(waited && ms >= 20 && ms < 2000, "waited %d, %.1f ms for a kick at 30 ms", waited, ms);
    CHECK(vtimer_raises == 0 && ptimer_raises == 0, "raised virt %d phys %d", vtimer_raises,
          ptimer_raises);
    CHECK(upstream_kicks_at_wake == 1, "upstream's kick ran %d times before the wake",
          upstream_kicks_at_wake);
}

static void asserted_timer_waits_for_a_kick(void) {
    no_deadline_case(1 | 4, 0); /* ISTATUS set: asserted; the GIC decides */
}

static void masked_timer_waits_for_a_kick(void) {
    no_deadline_case(1 | 2, 0);
}

static void disabled_timer_waits_for_a_kick(void) {
    no_deadline_case(0, 0);
}

static void far_cval_waits_for_a_kick(void) {
    no_deadline_case(1, UINT64_MAX); /* parked at ~0: far future, not "due" */
}

static void pending_work_leaves_the_halt_to_upstream(void) {
    bool waited;

    setup(adaptive);
    timer_in(GTIMER_VIRT, 0, UINT64_C(2000) * 1000000);
    cpu->exit_request = true;
    double ms = wfi_ms(&waited);
    CHECK(!waited && ms < 1000, "waited %d, %.1f ms with an exit request", waited, ms);
    CHECK(bql_unlocks == 0 && vtimer_raises == 0, "BQL released %d, raises %d", bql_unlocks,
          vtimer_raises);
    CHECK(rcu_depth == 1, "RCU depth %d", rcu_depth);
}

static void a_near_deadline_is_finished_on_the_counter(void) {
    setup(adaptive);
    timer_in(GTIMER_VIRT, 0, 20000); /* 20 us: within the finishing spin */
    wfis_tcg_raise_due(&arm_cpu);
    CHECK(vtimer_raises == 1 && !raised_early, "raises %d, early %d", vtimer_raises, raised_early);
}

static void a_far_deadline_is_not_raised_after_a_kick(void) {
    setup(adaptive);
    timer_in(GTIMER_VIRT, 0, UINT64_C(5) * 1000000); /* a kick ended the wait 5 ms early */
    wfis_tcg_raise_due(&arm_cpu);
    CHECK(vtimer_raises == 0, "raised %d times", vtimer_raises);
}

static void the_finishing_spin_ends_when_the_guest_clock_stops(void) {
    setup(adaptive);
    timer_in(GTIMER_VIRT, 0, 20000);
    virt_frozen_at = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL); /* stopped 20 us short */
    uint64_t t0 = mono_ns();
    wfis_tcg_raise_due(&arm_cpu);
    double ms = (double)(mono_ns() - t0) / 1e6;
    CHECK(ms < 50 && vtimer_raises == 0, "spun %.1f ms, raises %d", ms, vtimer_raises);
}

static void the_finishing_spin_ends_on_a_kick(void) {
    setup(adaptive);
    timer_in(GTIMER_VIRT, 0, 40000);
    virt_frozen_at = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    cpu->exit_request = true; /* what upstream's kick sets */
    wfis_tcg_raise_due(&arm_cpu);
    CHECK(vtimer_raises == 0, "raised %d times", vtimer_raises);
}

static void entries_and_stats_at_exit(void) {
    static const char *const env[] = {"WFISLEEP_POLICY=adaptive", "WFISLEEP_STATS=1", NULL};
    bool waited;

    setup(env);
    timer_in(GTIMER_VIRT, 0, 1000000);
    wfi_ms(&waited);
    run_exit_notifiers();
    CHECK(strstr(console->str, "wfisleep: tcg: 1 waits entered") != NULL, "no entry count");
    CHECK(strstr(console->str, "wfisleep: vCPU 0 (adaptive): 1 idle calls") != NULL,
          "no per-vCPU stats");
}

int main(void) {
    static const GlueScenario scenarios[] = {
        {"no_policy_changes_nothing", no_policy_changes_nothing},
        {"other_accelerator_changes_nothing", other_accelerator_changes_nothing},
        {"single_thread_stays_upstream", single_thread_stays_upstream},
        {"seed_is_not_offered", seed_is_not_offered},
        {"waits_to_the_deadline_and_raises_it", waits_to_the_deadline_and_raises_it},
        {"slow_counter_with_an_offset", slow_counter_with_an_offset},
        {"physical_timer_when_virtual_is_off", physical_timer_when_virtual_is_off},
        {"due_but_unraised_is_raised_at_once", due_but_unraised_is_raised_at_once},
        {"cval_zero_is_due_whatever_the_counter", cval_zero_is_due_whatever_the_counter},
        {"asserted_timer_waits_for_a_kick", asserted_timer_waits_for_a_kick},
        {"masked_timer_waits_for_a_kick", masked_timer_waits_for_a_kick},
        {"disabled_timer_waits_for_a_kick", disabled_timer_waits_for_a_kick},
        {"far_cval_waits_for_a_kick", far_cval_waits_for_a_kick},
        {"pending_work_leaves_the_halt_to_upstream", pending_work_leaves_the_halt_to_upstream},
        {"a_near_deadline_is_finished_on_the_counter", a_near_deadline_is_finished_on_the_counter},
        {"a_far_deadline_is_not_raised_after_a_kick", a_far_deadline_is_not_raised_after_a_kick},
        {"the_finishing_spin_ends_when_the_guest_clock_stops",
         the_finishing_spin_ends_when_the_guest_clock_stops},
        {"the_finishing_spin_ends_on_a_kick", the_finishing_spin_ends_on_a_kick},
        {"entries_and_stats_at_exit", entries_and_stats_at_exit},
    };

    return run_scenarios("glue (core + tcg)", scenarios, G_N_ELEMENTS(scenarios));
}
