// plan_bench.cc - cost of wfisleep_vcpu_plan/_plan2/_trap_begin per policy (goal: median below
// 50 ns and, for plan2, at most half a clock_gettime), with baselines.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <ctime>

#include "wfisleep/wfisleep.h"

namespace {

constexpr double kGoalNs = 50.0;

void quiet_log(void * /*ctx*/, const char * /*line*/) {}

wfisleep_config *make_config(const char *a, const char *b) {
    const char *vars[] = {a, b, nullptr};
    wfisleep_config *cfg = nullptr;
    wfisleep_set_log(quiet_log, nullptr);
    if (wfisleep_config_parse(&cfg, vars, nullptr, 0) != 0) {
        return nullptr;
    }
    return cfg;
}

// A fake clock advancing 20 us per trap (a rapid idle streak), so the seed
// runs at its full-sleep tier and the adaptive policy plans a deadline wait.
void run_plan(benchmark::State &state, const char *a, const char *b, bool with_done) {
    wfisleep_config *cfg = make_config(a, b);
    if (cfg == nullptr) {
        state.SkipWithError("config did not parse");
        return;
    }
    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, 0);
    uint64_t t = 1000000;
    for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
        const wfisleep_plan p = wfisleep_vcpu_plan(v, t, 0, t + 1000000);
        benchmark::DoNotOptimize(p);
        if (with_done) {
            wfisleep_vcpu_done(v, t + 1000000, 0);
        }
        t += 20000 + (p.sleep_ns != WFISLEEP_FOREVER ? p.sleep_ns : 0);
    }
    state.counters["goal_ns"] = kGoalNs;
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
    wfisleep_set_log(nullptr, nullptr);
}

// Baseline: an opaque call through the same ABI that does nothing but read
// the clock argument (the floor of any exported call).
void BM_Baseline_TicksToNs(benchmark::State &state) {
    uint64_t t = 1;
    for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
        benchmark::DoNotOptimize(wfisleep_ticks_to_ns(t, 1000000000));
        ++t;
    }
}

// Baseline: one clock read, what every trap pays anyway (the hot-path goal
// for plan2 is at most half of it).
void BM_Baseline_ClockGettime(benchmark::State &state) {
    for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        benchmark::DoNotOptimize(ts);
    }
}

// plan2 at a deadline 1 ms ahead, 20 us after the last one, as an embedder
// calls it (caller-sized struct, phases out); with_done: then done2 with the
// outcome a library wait reports for a wait that ran to its deadline (per
// sleep wake times, 3 us late). done2's cost is the difference of the two.
void run_plan2(benchmark::State &state, bool with_done) {
    wfisleep_config *cfg = make_config("WFISLEEP_POLICY=adaptive", nullptr);
    if (cfg == nullptr) {
        state.SkipWithError("config did not parse");
        return;
    }
    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, 0);
    wfisleep_plan2 p{};
    p.size = sizeof p;
    wfisleep_outcome o{};
    o.size = sizeof o;
    uint64_t t = 1000000;
    for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
        const uint64_t deadline = t + 1000000;
        benchmark::DoNotOptimize(wfisleep_vcpu_plan2(v, t, 0, deadline, &p));
        benchmark::DoNotOptimize(p);
        if (with_done) {
            o.end_ns = deadline;
            o.ended_in = p.nphases;
            for (uint32_t i = 0; i < p.nphases; ++i) {
                o.wake_ns[i] =
                    p.phase[i].kind == WFISLEEP_PHASE_SLEEP ? p.phase[i].end_ns + 3000 : 0;
            }
            wfisleep_vcpu_done2(v, &o);
        }
        t += 1020000;
    }
    state.counters["goal_ns"] = kGoalNs;
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
    wfisleep_set_log(nullptr, nullptr);
}

void BM_Plan2_Adaptive(benchmark::State &state) {
    run_plan2(state, false);
}
void BM_Plan2Done2_Adaptive(benchmark::State &state) {
    run_plan2(state, true);
}

// trap_begin with no kick pending (the common case): one relaxed load.
void BM_TrapBegin(benchmark::State &state) {
    wfisleep_config *cfg = make_config("WFISLEEP_POLICY=adaptive", nullptr);
    wfisleep_vcpu *v = wfisleep_vcpu_new(cfg, 0);
    for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
        wfisleep_vcpu_trap_begin(v);
        benchmark::ClobberMemory();
    }
    wfisleep_vcpu_free(v);
    wfisleep_config_free(cfg);
    wfisleep_set_log(nullptr, nullptr);
}

void BM_Plan_Off(benchmark::State &state) {
    run_plan(state, "WFISLEEP_POLICY=off", nullptr, false);
}
void BM_Plan_Seed(benchmark::State &state) {
    run_plan(state, "HVF_WFI_SLEEP=100", "WFISLEEP_BOOT_GRACE_MS=0", false);
}
void BM_Plan_Adaptive(benchmark::State &state) {
    run_plan(state, "WFISLEEP_POLICY=adaptive", nullptr, false);
}
void BM_PlanDone_Adaptive(benchmark::State &state) {
    run_plan(state, "WFISLEEP_POLICY=adaptive", nullptr, true);
}

// Medians over 7 repetitions in one process are what the goal refers to.
#define WFIS_PLAN_BENCH(fn) BENCHMARK(fn)->Repetitions(7)->ReportAggregatesOnly(true)
WFIS_PLAN_BENCH(BM_Baseline_TicksToNs);
WFIS_PLAN_BENCH(BM_Baseline_ClockGettime);
WFIS_PLAN_BENCH(BM_TrapBegin);
WFIS_PLAN_BENCH(BM_Plan2_Adaptive);
WFIS_PLAN_BENCH(BM_Plan2Done2_Adaptive);
WFIS_PLAN_BENCH(BM_Plan_Off);
WFIS_PLAN_BENCH(BM_Plan_Seed);
WFIS_PLAN_BENCH(BM_Plan_Adaptive);
WFIS_PLAN_BENCH(BM_PlanDone_Adaptive);

}  // namespace
