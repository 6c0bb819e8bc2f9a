// sim_backend.cc - the simulated backend: modelled guests on host threads, real governors, host
// clocks.
#include "backends/sim_backend.h"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "governors/library_governor.h"
#include "guest_report.h"
#include "thread_slack.h"

namespace wfisvm {
namespace {

constexpr uint64_t kNsPerSec = 1'000'000'000;

uint64_t now_ns() {
    return wfisleep_now_ns();
}

uint64_t timespec_ns(const timespec &ts) {
    return static_cast<uint64_t>(ts.tv_sec) * kNsPerSec + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return timespec_ns(ts);
}

// Whole-process CPU (all threads) and voluntary context switches.
struct ProcessUsage {
    uint64_t cpu_ns = 0;
    uint64_t voluntary_switches = 0;
};

ProcessUsage process_usage() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto tv_ns = [](const timeval &tv) {
        return static_cast<uint64_t>(tv.tv_sec) * kNsPerSec +
               static_cast<uint64_t>(tv.tv_usec) * 1000;
    };
    return {tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime), static_cast<uint64_t>(ru.ru_nvcsw)};
}

void spin_for(uint64_t ns) {
    const uint64_t end = now_ns() + ns;
    while (now_ns() < end) {
    }
}

void sleep_until_ns(uint64_t t) {
    const uint64_t n = now_ns();
    if (t > n) std::this_thread::sleep_for(std::chrono::nanoseconds(t - n));
}

// One work unit of the compute scenario: an integer hash chain the compiler
// cannot fold away, since each unit feeds the next.
uint64_t work_unit(uint64_t x) {
    for (uint32_t i = 0; i < kSimWorkUnitIters; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

// The modelled guest timer of one vCPU: when the guest programs its next deadline.
class GuestTimer {
  public:
    enum class Kind { kNone, kPeriodic, kExponential };

    GuestTimer(Kind kind, uint64_t period_or_mean_ns, uint64_t seed)
        : kind_(kind), ns_(period_or_mean_ns), rng_(seed) {}

    uint64_t first(uint64_t now) {
        return kind_ == Kind::kNone ? WFISLEEP_NO_DEADLINE : next(now, now);
    }

    // After the interrupt for `deadline` was handled at `now`.
    uint64_t next(uint64_t deadline, uint64_t now) {
        switch (kind_) {
            case Kind::kNone:
                return WFISLEEP_NO_DEADLINE;
            case Kind::kPeriodic: {
                // A periodic tick stays on its grid; ticks missed entirely are skipped.
                uint64_t n = deadline + ns_;
                if (n <= now) n += ((now - n) / ns_ + 1) * ns_;
                return n;
            }
            case Kind::kExponential: {
                // One-shot timers re-armed from the handler at random intervals.
                std::exponential_distribution<double> d(1.0 / static_cast<double>(ns_));
                return now + std::max<uint64_t>(1000, static_cast<uint64_t>(d(rng_)));
            }
        }
        return WFISLEEP_NO_DEADLINE;
    }

  private:
    Kind kind_;
    uint64_t ns_;
    std::mt19937_64 rng_;
};

// One simulated vCPU: its governor, its device mailbox and its measurements.
struct SimVcpu {
    uint32_t index = 0;
    bool busy = false;  // compute: computes instead of halting
    std::unique_ptr<Governor> gov;

    // Device mailbox, written by the device thread.
    std::mutex mu;
    std::condition_variable acked;    // signalled when requests are acknowledged
    std::vector<uint64_t> raised_ns;  // guarded by mu: raise times not yet acked
    uint64_t dev_injected = 0;        // guarded by mu
    uint64_t dev_handled = 0;         // guarded by mu
    std::atomic<bool> dev_pending{false};

    // Owner thread's measurements; read after join.
    LatencyHistogram lateness{};  // the guest report's buckets, so figures compare with KVM's
    std::vector<int64_t> wake_ns;
    uint64_t timer_injected = 0;
    uint64_t timer_handled = 0;
    uint64_t idle_traps = 0;
    uint64_t exits = 0;
    uint64_t work_units = 0;  // inside the measurement window
    uint64_t cpu_ns = 0;
    uint64_t sink = 0;  // keeps work units observable
    std::atomic<bool> exited{false};
};

struct SimShared {
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;      // end of the measurement window
    uint64_t give_up_ns = 0;  // the run's timeout
    std::atomic<bool> stop{false};
    std::atomic<bool> abort{false};
};

// A device request to v: record its raise time, make it pending, kick.
// Memory ordering: the push happens under v.mu and dev_pending is stored with
// release before the kick, so the vCPU that sees either finds the request.
void raise_request(SimVcpu &v) {
    {
        std::lock_guard<std::mutex> lock(v.mu);
        v.raised_ns.push_back(now_ns());
        ++v.dev_injected;
    }
    v.dev_pending.store(true, std::memory_order_release);
    v.gov->kick();
}

// The guest's interrupt handlers and idle loop, run on the vCPU thread.
void vcpu_main(SimShared &sh, SimVcpu &v, GuestTimer timer) {
    const uint64_t cpu0 = thread_cpu_ns();
    uint64_t deadline = timer.first(now_ns());
    uint64_t x = v.index + 1;
    while (!sh.stop.load(std::memory_order_acquire)) {
        const uint64_t t = now_ns();
        if (deadline != WFISLEEP_NO_DEADLINE && t >= deadline) {
            // Timer handler entry: the lateness the guest would measure.
            ++v.timer_injected;
            ++v.timer_handled;
            if (t <= sh.end_ns) ++v.lateness[wfis_hist_bucket(t - deadline)];
            deadline = timer.next(deadline, t);
        }
        if (v.dev_pending.exchange(false, std::memory_order_acquire)) {
            {
                std::lock_guard<std::mutex> lock(v.mu);
                const uint64_t ack = now_ns();
                for (uint64_t r : v.raised_ns) v.wake_ns.push_back(static_cast<int64_t>(ack - r));
                v.dev_handled += v.raised_ns.size();
                v.raised_ns.clear();
            }
            v.acked.notify_all();
        }
        if (v.busy) {
            x = work_unit(x);
            if (now_ns() <= sh.end_ns) ++v.work_units;
            continue;
        }
        // The guest halts: an idle trap reaches the governor.
        ++v.idle_traps;
        ++v.exits;
        v.gov->trap_begin();  // as the KVM loop does, before has_work is sampled
        const bool has_work = v.dev_pending.load(std::memory_order_acquire) ||
                              (deadline != WFISLEEP_NO_DEADLINE && now_ns() >= deadline);
        v.gov->idle(has_work, deadline);
        spin_for(kSimExitCostNs);
    }
    v.sink = x;
    v.cpu_ns = thread_cpu_ns() - cpu0;
    v.exited.store(true, std::memory_order_release);
}

// Pingpong: requests at `rate` per second over all vCPUs, round robin.
void pingpong_main(SimShared &sh, std::vector<std::unique_ptr<SimVcpu>> &vcpus, uint32_t rate,
                   bool poisson, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> gap(static_cast<double>(rate) / 1e9);
    const double fixed_gap = 1e9 / rate;
    double next = static_cast<double>(sh.start_ns) + (poisson ? gap(rng) : fixed_gap);
    size_t i = 0;
    while (!sh.abort.load(std::memory_order_relaxed)) {
        const uint64_t at = static_cast<uint64_t>(next);
        if (at >= sh.end_ns) break;
        sleep_until_ns(at);
        raise_request(*vcpus[i++ % vcpus.size()]);
        next += poisson ? gap(rng) : fixed_gap;
        // No catch-up burst after a late wake-up of this thread.
        next = std::max(next, static_cast<double>(now_ns()));
    }
}

// Waits until v acknowledged `target` requests; false on timeout or abort.
bool wait_acked(SimShared &sh, SimVcpu &v, uint64_t target) {
    std::unique_lock<std::mutex> lock(v.mu);
    while (v.dev_handled < target) {
        if (sh.abort.load(std::memory_order_relaxed) || now_ns() >= sh.give_up_ns) return false;
        v.acked.wait_for(lock, std::chrono::milliseconds(10));
    }
    return true;
}

// Burst: chains of `len` request/response pairs to one vCPU, `think_us` apart.
void burst_main(SimShared &sh, std::vector<std::unique_ptr<SimVcpu>> &vcpus, uint32_t len,
                uint32_t think_us) {
    uint64_t chain = 0;
    while (now_ns() < sh.end_ns && !sh.abort.load(std::memory_order_relaxed)) {
        SimVcpu &v = *vcpus[chain++ % vcpus.size()];
        for (uint32_t k = 0; k < len && now_ns() < sh.end_ns; ++k) {
            uint64_t target = 0;
            {
                std::lock_guard<std::mutex> lock(v.mu);
                target = v.dev_injected + 1;
            }
            raise_request(v);
            if (!wait_acked(sh, v, target)) return;
        }
        sleep_until_ns(now_ns() + uint64_t{think_us} * 1000);
    }
}

GuestTimer timer_for(const ScenarioSpec &s, const SimVcpu &v, uint64_t seed) {
    const uint64_t vseed = seed * 0x9E3779B97F4A7C15ull + v.index;
    switch (s.workload) {
        case Workload::kIdle:
            return GuestTimer(GuestTimer::Kind::kPeriodic, kNsPerSec / s.hz, vseed);
        case Workload::kTickless:
            return GuestTimer(GuestTimer::Kind::kExponential, uint64_t{s.mean_ms} * 1'000'000,
                              vseed);
        case Workload::kPingpong:
            if (s.tick_hz == 0) return GuestTimer(GuestTimer::Kind::kNone, 0, vseed);
            return GuestTimer(GuestTimer::Kind::kPeriodic, kNsPerSec / s.tick_hz, vseed);
        case Workload::kBurst:
            return GuestTimer(GuestTimer::Kind::kNone, 0, vseed);
        case Workload::kCompute:
            // As the guest: busy vCPUs run without a timer, idle ones tick
            // at idle_hz (none with 0).
            if (v.busy || s.idle_hz == 0) return GuestTimer(GuestTimer::Kind::kNone, 0, vseed);
            return GuestTimer(GuestTimer::Kind::kPeriodic, kNsPerSec / s.idle_hz, vseed);
    }
    return GuestTimer(GuestTimer::Kind::kNone, 0, vseed);
}

RunResult failed(RunResult r, const std::string &why) {
    r.ok = false;
    r.error = "simulated: " + why;
    return r;
}

}  // namespace

RunResult run_simulated(const RunOptions &opt) {
    RunResult r;
    r.backend = "simulated";
    r.scenario = opt.scenario.text;
    r.host_timer = opt.scenario.host_timer;
    r.kicks = kick_pattern_name(opt.scenario.kicks);
    r.governor = opt.governor.text;
    r.seconds = opt.seconds;
    r.guest_timer = "simulated";
    const ScenarioSpec &sc = opt.scenario;
    const bool compute = sc.workload == Workload::kCompute;
    const uint32_t n = compute ? sc.busy + sc.idle : opt.vcpus;
    r.vcpus = n;
    if (n < 1 || n > 64) {
        return failed(r, "vcpus=" + std::to_string(n) + " is out of range; accepted: 1..64");
    }
    if (!(opt.seconds > 0 && opt.seconds <= 86400)) {
        return failed(r, "seconds=" + std::to_string(opt.seconds) +
                             " is out of range; accepted: more than 0, at most 86400");
    }
    if (!(opt.timeout_s >= 0 && opt.timeout_s <= 86400 + 3600)) {
        return failed(r, "timeout=" + std::to_string(opt.timeout_s) + " is out of range");
    }

    // Library policies share one config, made from the spec's variables.
    wfisleep_config *config = nullptr;
    const GovernorKind kind = opt.governor.kind;
    if (kind == GovernorKind::kOff || kind == GovernorKind::kSeed ||
        kind == GovernorKind::kAdaptive) {
        std::vector<std::string> lines;
        for (const auto &[name, value] : library_vars(opt.governor)) {
            lines.push_back(name + "=" + value);
        }
        std::vector<const char *> vars;
        for (const std::string &l : lines) vars.push_back(l.c_str());
        vars.push_back(nullptr);
        char err[512] = "";
        if (wfisleep_config_parse(&config, vars.data(), err, sizeof err) != 0) {
            wfisleep_config_free(config);
            return failed(r, "governor " + opt.governor.text + ": " + err);
        }
        if (!config) return failed(r, "out of memory creating the governor config");
    }

    SimShared sh;
    std::vector<std::unique_ptr<SimVcpu>> vcpus;
    const ProcessUsage usage0 = process_usage();
    sh.start_ns = now_ns();
    const uint64_t run_ns = static_cast<uint64_t>(opt.seconds * 1e9);
    sh.end_ns = sh.start_ns + run_ns;
    const double timeout_s = opt.timeout_s > 0 ? opt.timeout_s : opt.seconds + 10;
    sh.give_up_ns = sh.start_ns + static_cast<uint64_t>(timeout_s * 1e9);
    std::string error;
    // The governors' threads (vCPUs, qemu11's main loop) inherit one slack.
    std::optional<ScopedTimerSlack> slack(std::in_place, governor_slack_ns(opt.governor, sc));
    try {
        for (uint32_t i = 0; i < n; ++i) {
            auto v = std::make_unique<SimVcpu>();
            v->index = i;
            v->busy = compute && i < sc.busy;
            v->gov = make_governor(opt.governor, config, sh.start_ns);
            if (v->gov && sc.host_timer.kind == HostTimerKind::kMacos)
                v->gov->use_host_timer(host_timer_for_run(sc.host_timer, opt.seed),
                                       host_timer_seed(opt.seed, i));
            vcpus.push_back(std::move(v));
        }
    } catch (const std::exception &e) {
        vcpus.clear();
        wfisleep_config_free(config);
        return failed(r,
                      std::string("cannot create governor ") + opt.governor.text + ": " + e.what());
    }

    std::vector<std::thread> threads;
    for (auto &v : vcpus) {
        threads.emplace_back(vcpu_main, std::ref(sh), std::ref(*v), timer_for(sc, *v, opt.seed));
    }
    slack.reset();
    std::thread device;
    if (sc.workload == Workload::kPingpong) {
        device = std::thread(pingpong_main, std::ref(sh), std::ref(vcpus), sc.rate, sc.poisson,
                             opt.seed);
    } else if (sc.workload == Workload::kBurst) {
        device = std::thread(burst_main, std::ref(sh), std::ref(vcpus), sc.len, sc.think_us);
    }

    sleep_until_ns(sh.end_ns);
    if (device.joinable()) device.join();
    // Drain: every raised request must be acknowledged before the guest stops.
    for (auto &v : vcpus) {
        uint64_t target = 0;
        {
            std::lock_guard<std::mutex> lock(v->mu);
            target = v->dev_injected;
        }
        if (!wait_acked(sh, *v, target) && error.empty()) {
            error = "vCPU " + std::to_string(v->index) +
                    " did not acknowledge its device requests within the timeout";
        }
    }
    sh.stop.store(true, std::memory_order_release);
    // Kick until every vCPU left its loop: a kick ends any wait but a strict
    // seed sleep, which is bounded by its max.
    for (;;) {
        bool all = true;
        for (auto &v : vcpus) {
            if (!v->exited.load(std::memory_order_acquire)) {
                v->gov->kick();
                all = false;
            }
        }
        if (all) break;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    for (std::thread &t : threads) t.join();
    const uint64_t stop_ns = now_ns();
    const ProcessUsage usage1 = process_usage();

    // Measurements over the whole run (the drain is part of it).
    const uint64_t wall_ns = std::max<uint64_t>(1, stop_ns - sh.start_ns);
    const double wall_s = static_cast<double>(wall_ns) / 1e9;
    r.wall_s = wall_s;
    r.host_cpu_pct =
        100.0 * static_cast<double>(usage1.cpu_ns - usage0.cpu_ns) / static_cast<double>(wall_ns);
    r.wakeups_per_s =
        static_cast<double>(usage1.voluntary_switches - usage0.voluntary_switches) / wall_s;
    LatencyHistogram lateness{};
    std::vector<int64_t> wake;
    IrqCounts timer_irqs, device_irqs;
    uint64_t exits = 0, traps = 0, units = 0;
    for (auto &v : vcpus) {
        r.vcpu_cpu_pct.push_back(100.0 * static_cast<double>(v->cpu_ns) /
                                 static_cast<double>(wall_ns));
        for (size_t b = 0; b < lateness.size(); ++b) lateness[b] += v->lateness[b];
        wake.insert(wake.end(), v->wake_ns.begin(), v->wake_ns.end());
        timer_irqs.injected += v->timer_injected;
        timer_irqs.handled += v->timer_handled;
        device_irqs.injected += v->dev_injected;
        device_irqs.handled += v->dev_handled;
        exits += v->exits;
        traps += v->idle_traps;
        units += v->work_units;
        r.governor_stats.push_back(v->gov->stats());
    }
    // Timer lateness from a histogram like the guest's report (lower bucket
    // edges); wake latency from exact samples, as the KVM backend does.
    r.timer_lateness_us = histogram_distribution(lateness);
    if (sc.workload == Workload::kPingpong || sc.workload == Workload::kBurst) {
        r.wake_latency_us = exact_distribution(std::move(wake));
    }
    if (compute) r.work_rate = static_cast<double>(units) / (static_cast<double>(run_ns) / 1e9);
    r.lost_interrupts =
        (timer_irqs.injected - timer_irqs.handled) + (device_irqs.injected - device_irqs.handled);
    r.exits = exits;
    r.idle_traps = traps;
    r.timer_irqs = timer_irqs;
    r.device_irqs = device_irqs;

    vcpus.clear();  // governors go before the config they borrow
    wfisleep_config_free(config);
    if (error.empty() && stop_ns > sh.give_up_ns) {
        error = "run took " + std::to_string(wall_s) + " s, over its timeout of " +
                std::to_string(timeout_s) + " s";
    }
    if (error.empty() && *r.lost_interrupts != 0) {
        error = std::to_string(*r.lost_interrupts) + " interrupts lost";
    }
    if (!error.empty()) return failed(r, error);
    r.ok = true;
    return r;
}

}  // namespace wfisvm
