// vm_run.cc - run_kvm(): builds the VM (memory, image, vCPUs, devices), runs it to the end,
// assembles the RunResult.
#include <cmath>
#include <cstdio>
#include <system_error>

#include "ab_results.h"
#include "backends/kvm.h"
#include "cpu_hog.h"
#include "elf_loader.h"
#include "governors/library_governor.h"
#include "guest_memory.h"
#include "guest_report.h"
#include "multiboot_info.h"
#include "sample_ring.h"
#include "thread_slack.h"
#include "vm_context.h"
#include "wfis_guest_abi.h"
#include "wfisleep/wfisleep.h"

namespace wfisvm {
namespace {

constexpr uint64_t kGuestRam = 32ull << 20;
constexpr uint64_t kMaxImage = 16ull << 20;

const char *workload_word(Workload w) {
    switch (w) {
        case Workload::kIdle:
            return "idle";
        case Workload::kTickless:
            return "tickless";
        case Workload::kPingpong:
            return "pingpong";
        case Workload::kBurst:
            return "burst";
        case Workload::kCompute:
            return "compute";
    }
    return "idle";
}

std::string guest_cmdline(const RunOptions &o, uint64_t tsc_khz) {
    const ScenarioSpec &s = o.scenario;
    std::string c = std::string("timer=") + (o.mode == Mode::kUserspace ? "pv" : "lapic") +
                    " workload=" + workload_word(s.workload) + " hz=" + std::to_string(s.hz) +
                    " mean_ms=" + std::to_string(s.mean_ms) + " busy=" + std::to_string(s.busy) +
                    " ms=" + std::to_string(static_cast<uint64_t>(std::llround(o.seconds * 1000))) +
                    " tsc_khz=" + std::to_string(tsc_khz) + " seed=" + std::to_string(o.seed) +
                    " vcpus=" + std::to_string(o.vcpus) + " tick_hz=" +
                    std::to_string(s.workload == Workload::kPingpong ? s.tick_hz : 0) +
                    " idle_hz=" + std::to_string(s.idle_hz);
    if (!o.extra_cmdline.empty()) c += " " + o.extra_cmdline;
    return c;
}

// Builds a config for a library-policy governor; models get nullptr.
bool governor_config(const GovernorSpec &spec, wfisleep_config **cfg, std::string *err) {
    *cfg = nullptr;
    if (spec.vars.empty()) return true;  // a model
    std::vector<std::string> kv;
    for (const auto &p : library_vars(spec)) kv.push_back(p.first + "=" + p.second);
    std::vector<const char *> ptrs;
    for (const auto &s : kv) ptrs.push_back(s.c_str());
    ptrs.push_back(nullptr);
    char buf[256];
    if (wfisleep_config_parse(cfg, ptrs.data(), buf, sizeof buf) != 0) {
        *err = std::string("governor '") + spec.text + "': " + buf;
        if (*cfg) wfisleep_config_free(*cfg);
        *cfg = nullptr;
        return false;
    }
    return true;
}

struct ConfigHolder {
    wfisleep_config *cfg = nullptr;
    ~ConfigHolder() { wfisleep_config_free(cfg); }
};

// Exact lateness from every vCPU's sample ring; the histogram's approximate
// figures when any ring is missing or malformed.
void fill_timer_lateness(const GuestMemory &mem, uint32_t vcpus, const LatencyHistogram &hist,
                         uint64_t missed, RunResult *r) {
    RingSamples rings;
    std::string err;
    bool all = true;
    for (uint32_t i = 0; i < vcpus && all; i++)
        all = read_sample_ring(mem.at(0, mem.size()), mem.size(), i, &rings, &err);
    if (!all) {
        r->timer_lateness_us = histogram_distribution(hist, missed);
        return;
    }
    // Ring samples are 32-bit in the guest: the narrowing is exact.
    for (int64_t v : rings.ns) r->timer_samples_ns.push_back(static_cast<int32_t>(v));
    r->timer_lateness_us = exact_distribution(std::move(rings.ns), rings.missed, rings.dropped);
}

// The workload window's figures from its two edges (nothing when the guest
// printed no MARK lines).
void fill_window(const VmContext &vm, const RunOptions &o, RunResult *r) {
    const WindowEdge &a = vm.edges[0], &b = vm.edges[1];
    if (!a.seen || !b.seen || b.ns <= a.ns) return;
    const double ns = static_cast<double>(b.ns - a.ns);
    r->workload_s = ns / 1e9;
    r->workload_cpu_pct = static_cast<double>(b.process_cpu_ns - a.process_cpu_ns) / ns * 100.0;
    if (a.kernel_halt_poll_ns && b.kernel_halt_poll_ns)
        r->kvm_halt_poll_ns = *b.kernel_halt_poll_ns - *a.kernel_halt_poll_ns;
    uint64_t busy = 0, wait = 0;
    bool have_busy = o.mode == Mode::kUserspace, have_wait = true;
    for (const auto &c : vm.cpus) {
        const VcpuEdge &x = c->window[0], &y = c->window[1];
        have_busy = have_busy && x.taken && y.taken;
        have_wait = have_wait && x.runq_wait_ns && y.runq_wait_ns;
        if (x.taken && y.taken) busy += y.governor_busy_ns - x.governor_busy_ns;
        if (x.runq_wait_ns && y.runq_wait_ns) wait += *y.runq_wait_ns - *x.runq_wait_ns;
    }
    // off returns to the guest at once and qemu10 loops on the trap: their
    // busy time is in KVM_RUN round trips, not in a poll or spin phase.
    const GovernorKind k = o.governor.kind;
    if (have_busy && k != GovernorKind::kOff && k != GovernorKind::kQemu10)
        r->governor_cpu_pct = static_cast<double>(busy) / ns * 100.0;
    if (have_wait && !vm.cpus.empty())
        r->runq_wait_pct =
            static_cast<double>(wait) / (ns * static_cast<double>(vm.cpus.size())) * 100.0;
}

RunResult error_result(RunResult r, const std::string &msg) {
    r.ok = false;
    r.error = msg;
    return r;
}

// The run's governors: the A/B list, or the one governor.
std::vector<GovernorSpec> run_governors(const RunOptions &o) {
    return o.ab_governors.empty() ? std::vector<GovernorSpec>{o.governor} : o.ab_governors;
}

// Governor i of the run: its config (library policies) and one instance
// per vCPU; an A/B run wraps one of each spec in an AbGovernor.
std::unique_ptr<Governor> vcpu_governor(const RunOptions &o,
                                        const std::vector<std::unique_ptr<ConfigHolder>> &cfgs,
                                        uint32_t vcpu, AbGovernor **ab, std::string *err) {
    const std::vector<GovernorSpec> specs = run_governors(o);
    std::vector<std::unique_ptr<Governor>> govs;
    for (size_t i = 0; i < specs.size(); i++) {
        // Threads a governor starts (qemu11's main loop) inherit this slack:
        // each A/B governor's its own.
        ScopedTimerSlack slack(governor_slack_ns(specs[i], o.scenario));
        govs.push_back(make_governor(specs[i], cfgs[i]->cfg, wfisleep_now_ns()));
        if (!govs.back()) {
            *err = "cannot create governor '" + specs[i].text + "'";
            return nullptr;
        }
        // The model of macOS coalescing acts on the governor's waits only:
        // the VMM's own timers (pv timer, devices) keep the real host's.
        // Every A/B governor gets the same model and seed.
        if (o.scenario.host_timer.kind == HostTimerKind::kMacos)
            govs.back()->use_host_timer(host_timer_for_run(o.scenario.host_timer, o.seed),
                                        host_timer_seed(o.seed, vcpu));
    }
    if (o.ab_governors.empty()) return std::move(govs[0]);
    auto w = std::make_unique<AbGovernor>(std::move(govs));
    *ab = w.get();
    return w;
}

RunResult run_once(const RunOptions &options, std::vector<RunResult> *ab_split) {
    RunOptions o = options;
    // An A/B run starts with its first segment's governor: the thread
    // slack and everything set up for "the" governor use that one.
    if (!o.ab_governors.empty()) {
        std::string e = ab_options_error(o);
        if (!e.empty()) {
            RunResult bad;
            bad.backend = backend_name(o.mode);
            bad.scenario = o.scenario.text;
            return error_result(bad, e);
        }
        o.governor = o.ab_governors[ab_segment_governor(
            0, static_cast<uint32_t>(o.ab_governors.size()), o.seed)];
    }
    RunResult r;
    r.backend = backend_name(o.mode);
    r.scenario = o.scenario.text;
    r.governor = o.mode == Mode::kInkernel ? "kvm" : o.governor.text;
    r.vcpus = o.vcpus;
    r.host_timer = o.scenario.host_timer;
    r.kicks = kick_pattern_name(o.scenario.kicks);
    r.seconds = o.seconds;
    if (o.mode == Mode::kSimulated) return error_result(r, "run_kvm: simulated mode is not KVM");
    if (o.vcpus == 0 || o.vcpus > 64) return error_result(r, "--vcpus must be 1..64");

    std::string err;
    // Forked before KVM's descriptors exist, so the hog holds none of them.
    CpuHog hog;
    if (!hog.start_for(o.scenario, o.seed, &err)) return error_result(r, err);
    kvm_prepare_process_signals();
    KvmSystem sys;
    if (!sys.open(&err)) return error_result(r, err);
    KvmVm vmfd;
    if (!vmfd.create(&sys, &err)) return error_result(r, err);
    if (o.mode == Mode::kInkernel) {
        if (!vmfd.create_irqchip(&err)) return error_result(r, "unavailable: " + err);
        if (o.halt_poll_ns && !vmfd.set_halt_poll_ns(*o.halt_poll_ns, &err))
            return error_result(r, "unavailable: " + err);
    }

    GuestMemory mem;
    std::vector<uint8_t> image;
    LoadedImage loaded;
    if (!mem.allocate(kGuestRam, &err) || !vmfd.map_memory(mem.host_base(), mem.size(), &err) ||
        !read_file(o.guest_path, kMaxImage, &image, &err) ||
        !load_multiboot_elf(image, kKernelMinGpa, &mem, &loaded, &err))
        return error_result(r, err);

    VmContext vm;
    vm.opts = o;
    vm.vcpus = o.vcpus;
    std::vector<std::unique_ptr<KvmVcpu>> hv;
    for (uint32_t i = 0; i < o.vcpus; i++) {
        auto v = vmfd.create_vcpu(i, &err);
        if (!v) return error_result(r, err);
        hv.push_back(std::move(v));
    }
    vm.tsc_khz = hv[0]->tsc_khz();
    if (vm.tsc_khz == 0) return error_result(r, "KVM_GET_TSC_KHZ failed: guest TSC rate unknown");

    uint32_t mbi = 0;
    if (!write_multiboot_info(&mem, guest_cmdline(o, vm.tsc_khz), &mbi, &err))
        return error_result(r, err);
    for (auto &v : hv) {
        EntryState st;
        st.eip = loaded.entry;
        st.eax = WFIS_MULTIBOOT_EAX;
        st.ebx = mbi;
        if (!v->set_entry(st, &err)) return error_result(r, err);
    }
    if (!vm.serial.open(o.serial_path, o.echo_serial, &err)) return error_result(r, err);

    std::vector<std::unique_ptr<ConfigHolder>> cfgs;
    if (o.mode == Mode::kUserspace) {
        for (const auto &spec : run_governors(o)) {
            cfgs.push_back(std::make_unique<ConfigHolder>());
            if (!governor_config(spec, &cfgs.back()->cfg, &err)) return error_result(r, err);
        }
    }
    if (!o.ab_governors.empty())
        vm.ab = std::make_unique<AbState>(o, o.vcpus, mem.at(0, mem.size()), mem.size());
    if (o.mode == Mode::kInkernel) vm.msi = vmfd.irq_sender();
    for (uint32_t i = 0; i < o.vcpus; i++) {
        auto c = std::make_unique<VcpuRuntime>();
        c->index = i;
        c->hv = hv[i].get();
        if (o.mode == Mode::kUserspace) {
            c->governor = vcpu_governor(o, cfgs, i, &c->ab_governor, &err);
            if (!c->governor) return error_result(r, err);
            if (c->ab_governor) {
                c->ab_governor->activate(vm.ab->first_governor());
                vm.ab->init_vcpu(&c->ab);
            }
        }
        c->irq.attach(c->hv, c->governor.get(), o.scenario.kicks);
        vm.cpus.push_back(std::move(c));
    }
    if (o.mode == Mode::kUserspace) vm.governor_lateness = std::make_unique<GovernorLateness>();
    VmContext *vmp = &vm;
    vm.device = std::make_unique<WorkloadDevice>(o.scenario, o.vcpus, o.seed, [vmp](uint32_t cpu) {
        VcpuRuntime *c = vmp->cpus[cpu].get();
        if (vmp->msi) {
            if (vmp->msi->send(cpu, WFIS_VEC_DEVICE) > 0) c->msi_delivered.fetch_add(1);
            return true;
        }
        c->irq.raise(WFIS_VEC_DEVICE);
        return true;
    });
    if (!vm.device->active()) vm.device.reset();
    if (vm.device && vm.ab) {
        AbState *abp = vm.ab.get();
        vm.device->set_classes(abp->governors(), [abp] { return abp->counted_governor(); });
    }

    // Run.
    HostUsage p0 = process_usage();
    uint64_t t0 = wfisleep_now_ns();
    double timeout = o.timeout_s > 0 ? o.timeout_s : o.seconds + 10;
    for (auto &c : vm.cpus) {
        VcpuRuntime *cp = c.get();
        try {
            c->thread = std::thread([vmp, cp] { vcpu_thread_main(vmp, cp); });
        } catch (const std::system_error &e) {
            // Out of threads or memory for a stack: end the run with an error
            // (the started vCPUs stop; the rest count as done, never started).
            vm.fail("cannot start the thread of vCPU " + std::to_string(cp->index) + ": " +
                    e.what());
            vm.thread_done();
        }
    }
    if (!vm.cpus.empty() && vm.cpus[0]->thread.joinable() &&
        !hog.go(vm.cpus[0]->thread.native_handle(), &err))
        vm.fail(err);
    if (vm.ab) vm.ab->start(&vm);
    if (!vm.wait_threads(t0 + static_cast<uint64_t>(timeout * 1e9))) {
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "timeout: the guest did not finish within %.1f s (--timeout); "
                      "it never exited or hung",
                      timeout);
        vm.fail(buf);
    }
    for (auto &c : vm.cpus)
        if (c->thread.joinable()) c->thread.join();
    if (vm.ab) vm.ab->stop();
    if (vm.device) vm.device->stop();
    hog.stop();
    uint64_t t1 = wfisleep_now_ns();
    HostUsage p1 = process_usage();

    // Result.
    double wall = static_cast<double>(t1 - t0) / 1e9;
    r.wall_s = wall;
    r.host_cpu_pct = static_cast<double>(p1.cpu_ns - p0.cpu_ns) / 1e9 / wall * 100.0;
    r.wakeups_per_s = static_cast<double>(p1.voluntary_switches - p0.voluntary_switches) / wall;
    uint64_t exits = 0, halts = 0;
    double map_err = -1;
    for (auto &c : vm.cpus) {
        r.vcpu_cpu_pct.push_back(static_cast<double>(c->usage.cpu_ns) / 1e9 / wall * 100.0);
        exits += c->exits;
        halts += c->halts;
        if (c->governor) {
            wfisleep_stats st{};
            st = c->governor->stats();
            r.governor_stats.push_back(st);
            r.vcpu_timer_slack_ns.push_back(c->timer_slack_ns);
        }
        map_err = std::max(map_err, c->tsc_map_error_ns);
    }
    if (map_err >= 0) r.tsc_map_error_us = map_err / 1000.0;
    r.exits = exits;
    if (o.mode == Mode::kUserspace) r.idle_traps = halts;
    if (vm.device) {
        r.wake_latency_us = vm.device->latency_distribution();
        if (r.wake_latency_us && r.wake_latency_us->exact)
            for (uint32_t v : vm.device->exact_latencies())
                r.wake_samples_ns.push_back(static_cast<int32_t>(std::min<uint32_t>(v, INT32_MAX)));
        r.device_over_cap = vm.device->over_cap();
    }
    fill_window(vm, o, &r);
    if (vm.governor_lateness) {
        r.governor_return_late_us = vm.governor_lateness->distribution();
        r.governor_return_early = vm.governor_lateness->early();
    }

    GuestReport rep;
    std::string rep_err;
    bool have_report = vm.serial.finish(&rep, &rep_err);
    if (vm.failed()) return error_result(r, vm.error());
    if (!vm.exited_ok()) return error_result(r, "the guest stopped without writing WFIS_EXIT_OK");
    if (!have_report) return error_result(r, rep_err);
    if (rep.vcpus != o.vcpus)
        return error_result(r, "guest report: vcpus=" + std::to_string(rep.vcpus) +
                                   ", the VM has " + std::to_string(o.vcpus));
    if (!rep.end_ok) return error_result(r, "guest report: WFIS END status=fail");

    r.guest_timer = rep.cpus[0].timer;
    r.guest_tsc_khz = rep.cpus[0].tsc_khz;
    LatencyHistogram hist{};
    IrqCounts timer, device;
    uint64_t lost = 0, missed = 0;
    bool claims_more = false;
    double work = 0;
    for (uint32_t i = 0; i < o.vcpus; i++) {
        const GuestCpuReport &g = rep.cpus[i];
        const VcpuRuntime &c = *vm.cpus[i];
        for (uint32_t b = 0; b < WFIS_HIST_BUCKETS; b++)
            hist[b] = g.hist[b] > UINT64_MAX - hist[b] ? UINT64_MAX : hist[b] + g.hist[b];
        missed += g.missed;
        uint64_t t_handled = g.timer_irqs + g.spurious;
        uint64_t d_inj = o.mode == Mode::kInkernel ? c.msi_delivered.load() : c.injected_device;
        timer.injected += c.injected_timer;
        timer.handled += t_handled;
        device.injected += d_inj;
        device.handled += g.dev_irqs;
        if (o.mode == Mode::kUserspace) {
            if (t_handled > c.injected_timer)
                claims_more = true;
            else
                lost += c.injected_timer - t_handled;
        }
        // In-kernel mode the LAPIC merges an MSI into one already pending
        // (as hardware does), so injected >= handled there; what must not
        // happen is a request nobody answered (checked below).
        if (o.mode == Mode::kUserspace) {
            if (g.dev_irqs > d_inj)
                claims_more = true;
            else
                lost += d_inj - g.dev_irqs;
        }
        if (o.scenario.workload == Workload::kCompute && i < o.scenario.busy && g.run_ms > 0)
            work += static_cast<double>(g.work_units) * 1000.0 / static_cast<double>(g.run_ms);
    }
    // Every raised request must have been answered (an answer covers the
    // older ones): a kick lost while the vCPU ran guest code shows here.
    if (vm.device) lost += vm.device->unanswered();
    fill_timer_lateness(mem, o.vcpus, hist, missed, &r);
    if (o.mode == Mode::kUserspace) r.timer_irqs = timer;
    r.device_irqs = device;
    r.lost_interrupts = lost;
    if (o.scenario.workload == Workload::kCompute) r.work_rate = work;
    if (claims_more)
        return error_result(r, "guest report claims more handled interrupts than were injected");
    if (lost != 0)
        return error_result(
            r, std::to_string(lost) + " interrupt(s) injected but not handled by the guest");
    r.ok = true;
    if (vm.ab && ab_split) *ab_split = ab_results(r, vm, mem);
    return r;
}

}  // namespace

RunResult run_kvm(const RunOptions &options, std::vector<RunResult> *ab_results) {
    std::vector<RunResult> split;
    RunResult r = run_once(options, &split);
    if (!ab_results) return r;
    if (r.ok) {
        *ab_results = std::move(split);
        return r;
    }
    ab_results->clear();
    for (const auto &g : options.ab_governors) {
        RunResult e = r;
        e.governor = g.text;
        ab_results->push_back(std::move(e));
    }
    return r;
}

}  // namespace wfisvm
