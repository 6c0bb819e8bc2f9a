// ab_results.cc - per-governor results of an A/B run: pooled counted parts, null where the VM's
// figures cannot be split.
#include "ab_results.h"

#include "sample_ring.h"

namespace wfisvm {
namespace {

// Each vCPU's ring cut into the governors' counted parts; false when a
// ring is missing or malformed.
bool split_rings(const VmContext &vm, const GuestMemory &mem,
                 std::vector<std::vector<int64_t>> *out) {
    out->assign(vm.ab->governors(), {});
    for (uint32_t i = 0; i < vm.vcpus; i++) {
        RingSamples ring;
        std::string err;
        if (!read_sample_ring(mem.at(0, mem.size()), mem.size(), i, &ring, &err)) return false;
        split_ring_samples(ring.ns, vm.ab->cuts(i), out);
    }
    return true;
}

}  // namespace

std::vector<RunResult> ab_results(const RunResult &whole, const VmContext &vm,
                                  const GuestMemory &mem) {
    const AbState &ab = *vm.ab;
    std::vector<std::vector<int64_t>> timer;
    const bool have_rings = split_rings(vm, mem, &timer);
    std::vector<std::string> names;
    for (size_t g = 0; g < ab.governors(); g++) names.push_back(ab.spec(g).text);
    std::vector<RunResult> out;
    for (size_t g = 0; g < ab.governors(); g++) {
        RunResult r;
        r.backend = whole.backend;
        r.scenario = whole.scenario;
        r.governor = ab.spec(g).text;
        r.vcpus = whole.vcpus;
        r.seconds = whole.seconds;
        r.wall_s = whole.wall_s;
        r.ok = whole.ok;
        r.error = whole.error;
        r.guest_timer = whole.guest_timer;
        r.guest_tsc_khz = whole.guest_tsc_khz;
        r.tsc_map_error_us = whole.tsc_map_error_us;
        r.host_timer = whole.host_timer;
        r.kicks = whole.kicks;
        // The VM's own checks hold for every governor that ran in it.
        r.lost_interrupts = whole.lost_interrupts;
        r.device_over_cap = whole.device_over_cap;
        r.vcpu_cpu_pct.assign(whole.vcpus, std::nullopt);

        const uint64_t ns = ab.counted_ns(g);
        uint64_t halts = 0, injected = 0, busy = 0;
        for (const auto &c : vm.cpus) {
            halts += c->ab.halts[g];
            injected += c->ab.timer_injected[g];
            busy += c->ab.busy_ns[g];
            r.governor_stats.push_back(c->ab_governor->stats_of(g));
            r.vcpu_timer_slack_ns.push_back(c->ab.slack_ns[g]);
        }
        r.idle_traps = halts;
        r.timer_irqs = IrqCounts{injected, injected};
        if (have_rings) {
            for (int64_t v : timer[g]) r.timer_samples_ns.push_back(static_cast<int32_t>(v));
            r.timer_lateness_us = exact_distribution(std::move(timer[g]));
        }
        if (vm.device) {
            r.wake_latency_us = vm.device->class_distribution(g);
            if (r.wake_latency_us && r.wake_latency_us->exact)
                for (uint32_t v : vm.device->class_exact_latencies(g))
                    r.wake_samples_ns.push_back(
                        static_cast<int32_t>(std::min<uint32_t>(v, INT32_MAX)));
        }
        if (ns > 0) {
            r.workload_s = static_cast<double>(ns) / 1e9;
            r.workload_cpu_pct =
                static_cast<double>(ab.cpu_ns(g)) / static_cast<double>(ns) * 100.0;
            // As in one-governor runs: a trap loop's busy time is not a poll.
            const GovernorKind k = ab.spec(g).kind;
            if (k != GovernorKind::kOff && k != GovernorKind::kQemu10)
                r.governor_cpu_pct = static_cast<double>(busy) / static_cast<double>(ns) * 100.0;
        }
        GovernorLateness &late = ab.lateness(g);
        r.governor_return_late_us = late.distribution();
        r.governor_return_early = late.early();
        r.ab = AbInfo{vm.opts.segment_ms,
                      vm.opts.settle_ms,
                      ab.segments(g),
                      static_cast<double>(ns) / 1e9,
                      busy,
                      names};
        if (r.ok && ab.segments(g) == 0) {
            r.ok = false;
            r.error = "governor '" + r.governor +
                      "' got no counted segment (the workload window ended first)";
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace wfisvm
