// main.cc - wfisleep-vm command line (docs/vmm-cli.md): parse, run one VM, print the summary and
// JSON.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "ab_schedule.h"
#include "run.h"
#include "spec.h"

namespace {

int usage_error(const std::string &msg) {
    std::fprintf(stderr, "wfisleep-vm: %s (see --help)\n", msg.c_str());
    return 2;
}

}  // namespace

int main(int argc, char **argv) {
    using namespace wfisvm;
    CLI::App app{
        "wfisleep-vm: a KVM micro-VMM whose idle vCPUs wait through wfisleep governors.\n" +
        spec_help()};
    std::string guest, mode = "userspace", scenario = "idle:hz=1000";
    std::vector<std::string> governors;
    std::string json_out, serial, samples;
    uint32_t vcpus = 1;
    double seconds = 2.0, timeout = 0;
    uint64_t seed = 1, halt_poll = 0;
    bool quiet = false;
    std::string extra;
    app.add_option("--guest", guest,
                   "guest image (ELF32 multiboot), e.g. build/guest/wfis-guest.elf");
    app.add_option("--mode", mode, "userspace (default) | inkernel | simulated");
    app.add_option("--scenario", scenario, "scenario spec (default idle:hz=1000)");
    auto *gov_opt = app.add_option(
        "--governor", governors,
        "governor spec (default adaptive); given several times: A/B in one VM, the governors "
        "alternate in segments (userspace mode)");
    uint32_t segment_ms = kDefaultSegmentMs, settle_ms = kDefaultSettleMs;
    app.add_option(
        "--segment-ms", segment_ms,
        "A/B: segment length in ms, 10..60000 (default " + std::to_string(kDefaultSegmentMs) + ")");
    app.add_option("--settle-ms", settle_ms,
                   "A/B: ms discarded at each segment's start, below --segment-ms (default " +
                       std::to_string(kDefaultSettleMs) + ")");
    auto *vcpu_opt =
        app.add_option("--vcpus", vcpus, "vCPUs, 1..64 (default 1; compute: busy+idle)");
    app.add_option("--seconds", seconds, "guest run length in seconds (default 2)");
    app.add_option("--seed", seed, "PRNG seed for devices and the guest (default 1)");
    auto *hp_opt = app.add_option("--halt-poll-ns", halt_poll, "inkernel: KVM_CAP_HALT_POLL value");
    app.add_option("--timeout", timeout, "wall-clock limit in seconds (default seconds + 10)");
    app.add_option("--json", json_out, "write the JSON result to FILE, or - for stdout");
    app.add_option("--serial", serial, "copy the guest's serial output to FILE, or - for stdout");
    app.add_option("--samples", samples,
                   "write the run's exact timer-lateness and wake-latency samples (ns) to FILE");
    app.add_flag("--quiet", quiet, "no summary on stdout");
    app.add_option("--guest-args", extra, "extra guest command line words (tests)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp &e) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::ParseError &e) {
        return usage_error(e.what());
    }

    RunOptions o;
    if (mode == "userspace")
        o.mode = Mode::kUserspace;
    else if (mode == "inkernel")
        o.mode = Mode::kInkernel;
    else if (mode == "simulated")
        o.mode = Mode::kSimulated;
    else
        return usage_error("--mode '" + mode + "' (accepted: userspace, inkernel, simulated)");
    std::string err;
    if (!parse_scenario(scenario, &o.scenario, &err)) return usage_error(err);
    if (governors.empty()) governors.push_back("adaptive");
    if (!parse_governor(governors[0], &o.governor, &err)) return usage_error(err);
    o.governor_given = gov_opt->count() > 0;
    if (o.mode == Mode::kInkernel && o.governor_given)
        return usage_error(
            "--governor is not allowed with --mode inkernel (KVM halts in the kernel)");
    if (o.mode == Mode::kInkernel && o.scenario.host_timer.kind == HostTimerKind::kMacos)
        return usage_error("scenario '" + o.scenario.text +
                           "': host=macos (a model of macOS timer coalescing on the governors' "
                           "sleeps) cannot act on KVM's in-kernel halt; use --mode userspace");
    if (o.mode != Mode::kInkernel && hp_opt->count() > 0)
        return usage_error("--halt-poll-ns needs --mode inkernel");
    if (hp_opt->count() > 0) o.halt_poll_ns = halt_poll;
    if (o.scenario.workload == Workload::kCompute && vcpu_opt->count() == 0)
        vcpus = o.scenario.busy + o.scenario.idle;
    if (vcpus < 1 || vcpus > 64)
        return usage_error("--vcpus " + std::to_string(vcpus) + " (accepted: 1..64)");
    if (!(seconds >= 0.01 && seconds <= 3600))
        return usage_error("--seconds " + std::to_string(seconds) + " (accepted: 0.01..3600)");
    if (!(timeout >= 0 && timeout <= 36000))
        return usage_error("--timeout " + std::to_string(timeout) + " (accepted: > 0, <= 36000)");
    if (o.mode != Mode::kSimulated && guest.empty())
        return usage_error("--guest PATH is required (the multiboot guest image)");
    o.guest_path = guest;
    o.vcpus = vcpus;
    o.seconds = seconds;
    o.seed = seed;
    o.timeout_s = timeout;
    o.quiet = quiet;
    o.extra_cmdline = extra;
    o.segment_ms = segment_ms;
    o.settle_ms = settle_ms;
    if (governors.size() > 1) {
        for (const auto &g : governors) {
            GovernorSpec spec;
            if (!parse_governor(g, &spec, &err)) return usage_error(err);
            o.ab_governors.push_back(spec);
        }
        std::string ab = ab_options_error(o);
        if (!ab.empty()) return usage_error(ab);
    } else if (app.count("--segment-ms") + app.count("--settle-ms") > 0) {
        return usage_error(
            "--segment-ms and --settle-ms need --governor given several times (A/B)");
    }
    if (serial == "-") {
        o.echo_serial = true;
    } else {
        o.serial_path = serial;
    }

    if (o.mode != Mode::kSimulated && access("/dev/kvm", R_OK | W_OK) != 0) {
        std::fprintf(stderr,
                     "wfisleep-vm: /dev/kvm is not available; using the SIMULATED backend "
                     "(results are labelled \"simulated\", not real VM figures)\n");
        o.mode = Mode::kSimulated;
    }
    // The library's announcement lines go to stderr unless --quiet.
    if (quiet) wfisleep_set_log([](void *, const char *) {}, nullptr);
    if (!o.ab_governors.empty() && o.mode == Mode::kSimulated)
        return usage_error(
            "several --governor (A/B in one VM) need KVM; /dev/kvm is not available");
    std::vector<RunResult> ab;
    RunResult r = o.mode == Mode::kSimulated ? run_simulated(o) : run_kvm(o, &ab);

    bool json_failed = false;
    // A/B: one samples file per governor, PATH.0, PATH.1, ... in --governor order.
    bool samples_ok = true;
    if (!samples.empty() && ab.empty()) samples_ok = write_samples(samples, r);
    for (size_t i = 0; !samples.empty() && i < ab.size(); i++)
        samples_ok = samples_ok && write_samples(samples + "." + std::to_string(i), ab[i]);
    if (!samples_ok) {
        std::fprintf(stderr, "wfisleep-vm: error: cannot write the samples to '%s'\n",
                     samples.c_str());
        return 1;
    }
    if (!json_out.empty()) {
        // A/B: one object per governor, one per line.
        std::string j;
        if (ab.empty()) j = run_result_json(r) + "\n";
        for (const auto &x : ab) j += run_result_json(x) + "\n";
        if (json_out == "-") {
            std::fputs(j.c_str(), stdout);
        } else {
            std::ofstream f(json_out);
            f << j;
            json_failed = !f;
        }
    }
    if (!quiet && json_out != "-") {
        if (ab.empty()) std::fputs(run_result_summary(r).c_str(), stdout);
        for (const auto &x : ab) std::fputs(run_result_summary(x).c_str(), stdout);
    }
    std::fflush(stdout);
    if (!r.ok) {
        std::fprintf(stderr, "wfisleep-vm: error: %s\n", r.error.c_str());
        return 1;
    }
    if (json_failed) {
        std::fprintf(stderr, "wfisleep-vm: error: cannot write the JSON result to '%s'\n",
                     json_out.c_str());
        return 1;
    }
    return 0;
}
