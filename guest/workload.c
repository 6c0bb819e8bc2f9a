/* workload.c - idle, tickless, pingpong, burst and compute loops and their interrupt hooks. */
#include "workload.h"

#include "io.h"
#include "rng.h"
#include "timer.h"
#include "tsc.h"

uint64_t guest_mean_cycles;

/* Work loop iterations per unit. */
#define WORK_UNIT_STEPS 256
static volatile uint64_t work_sink;

static uint64_t work_unit(uint64_t x) {
    for (int i = 0; i < WORK_UNIT_STEPS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

static void compute_loop(struct percpu *c) {
    uint64_t x = c->rng | 1;
    sti();
    while (rdtsc() < c->end_tsc) {
        x = work_unit(x);
        c->work_units++;
    }
    cli();
    work_sink = x;
}

static void idle_loop(struct percpu *c) {
    for (;;) {
        cli();
        if (rdtsc() >= c->end_tsc) break;
        c->halts++;
        sti_hlt();
    }
}

/* The run ended with the timer still armed: the guest's clock passed the
 * deadline before the host delivered it (the two clocks differ by about a
 * microsecond). Its sample is taken now, as the handler would have. */
static void account_pending_deadline(struct percpu *c) {
    uint64_t dl = c->armed_deadline;
    if (!dl) return;
    uint64_t now = rdtsc();
    ring_record(c, tsc_lateness_ns(now, dl));
    workload_on_timer(c, now); /* grid points it passed count as missed */
}

void workload_run(struct percpu *c, const struct guest_config *cfg) {
    uint32_t i = c->index;
    enum workload w = cfg->workload;
    if (w == WL_COMPUTE) w = i < cfg->busy ? WL_COMPUTE : WL_IDLE;
    c->run_kind = w;
    /* The periodic tick: idle's hz, compute's idle vCPUs' idle_hz, and
     * pingpong's tick_hz beside its requests; 0 = none. */
    uint32_t tick_hz = 0;
    if (w == WL_IDLE) tick_hz = cfg->workload == WL_COMPUTE ? cfg->idle_hz : cfg->hz;
    if (w == WL_PINGPONG) tick_hz = cfg->tick_hz;
    c->tick_period = tick_hz ? (uint64_t)guest_tsc_khz * 1000u / tick_hz : 0;
    guest_mean_cycles = (uint64_t)cfg->mean_ms * guest_tsc_khz; /* same from every vCPU */
    c->rng = rng_seed(cfg->seed, i);

    uint64_t now = rdtsc();
    c->start_tsc = now;
    c->end_tsc = now + cfg->run_ms * guest_tsc_khz;
    switch (w) {
        case WL_IDLE:
        case WL_PINGPONG:
            c->next_event = c->tick_period ? now + c->tick_period : UINT64_MAX;
            break;
        case WL_TICKLESS:
            c->next_event = now + rng_exponential(&c->rng, guest_mean_cycles);
            break;
        default:
            c->next_event = UINT64_MAX;
            break; /* only the end-of-run timer */
    }
    if (w == WL_COMPUTE) {
        compute_loop(c);
    } else {
        timer_rearm(c, now);
        idle_loop(c);
    }
    account_pending_deadline(c);
    timer_disarm(c);
}
