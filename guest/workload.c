/* workload.c - idle, tickless, pingpong, burst and compute loops and their interrupt hooks. */
#include "workload.h"

#include "io.h"
#include "rng.h"
#include "timer.h"
#include "tsc.h"

static enum workload run_kind[GUEST_MAX_CPUS]; /* what this vCPU runs */
static uint64_t tick_period[GUEST_MAX_CPUS];   /* idle: TSC cycles per tick */
static uint64_t mean_cycles;                   /* tickless: mean interval */

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

void workload_run(struct percpu *c, const struct guest_config *cfg) {
    uint32_t i = c->index;
    enum workload w = cfg->workload;
    if (w == WL_COMPUTE) w = i < cfg->busy ? WL_COMPUTE : WL_IDLE;
    run_kind[i] = w;
    tick_period[i] = (uint64_t)guest_tsc_khz * 1000u / cfg->hz;
    mean_cycles = (uint64_t)cfg->mean_ms * guest_tsc_khz;
    c->rng = rng_seed(cfg->seed, i);

    uint64_t now = rdtsc();
    c->start_tsc = now;
    c->end_tsc = now + cfg->run_ms * guest_tsc_khz;
    switch (w) {
        case WL_IDLE:
            c->next_event = now + tick_period[i];
            break;
        case WL_TICKLESS:
            c->next_event = now + rng_exponential(&c->rng, mean_cycles);
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
    timer_disarm(c);
}

void workload_on_timer(struct percpu *c, uint64_t now) {
    if (now < c->next_event) return; /* the end-of-run timer */
    switch (run_kind[c->index]) {
        case WL_IDLE: {
            /* Periodic tick on a fixed grid; ticks missed by a late interrupt
             * are skipped, not replayed. */
            uint64_t p = tick_period[c->index];
            uint64_t next = c->next_event + p;
            if (next <= now) next += (now - next) / p * p + p;
            c->next_event = next;
            break;
        }
        case WL_TICKLESS:
            c->next_event = now + rng_exponential(&c->rng, mean_cycles);
            break;
        default:
            c->next_event = UINT64_MAX;
            break;
    }
}

void workload_on_device(struct percpu *c) {
    uint32_t seq = inl(WFIS_PORT_DEV_SEQ);
    c->dev_irqs++;
    /* pingpong acknowledges the request; burst answers it (the host's think
     * time then starts). Either way the newest sequence number is echoed. */
    if (run_kind[c->index] == WL_BURST)
        outl(WFIS_PORT_DEV_DONE, seq);
    else
        outl(WFIS_PORT_DEV_ACK, seq);
    c->dev_acks++;
}
