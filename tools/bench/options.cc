// options.cc - parses wfisleep-bench's flags with CLI11 and validates them (one-line errors).
#include "options.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <tuple>

#include "matrix.h"
#include "scenario_match.h"
#include "spec.h"
#include "spin_match.h"
#include "tcg_spec.h"

#ifndef WFISBENCH_DEFAULT_VM
#define WFISBENCH_DEFAULT_VM ""
#endif
#ifndef WFISBENCH_DEFAULT_GUEST
#define WFISBENCH_DEFAULT_GUEST ""
#endif
#ifndef WFISBENCH_SOURCE_DIR
#define WFISBENCH_SOURCE_DIR "."
#endif

namespace wfisbench {

std::vector<std::string> default_scenarios(bool full) {
    // The rows the goals judge: G1 idle at 1 kHz and 250 Hz on the Linux host
    // timer, G2 idle 1 kHz under four laws of the macOS host-timer model
    // (the window law among them; --full: all seven), G3 pingpong and burst with QEMU's kicks, G4
    // compute with three ticking siblings, G5 idle 250 Hz at 8 vCPUs on the 2 cores.
    std::vector<std::string> s = {
        "idle:hz=1000",
        "idle:hz=250",
        "idle:hz=1000,host=macos,coalesce_permille=50,coalesce_shape=max",
        "idle:hz=1000,host=macos,coalesce_permille=125,"
        "coalesce_shape=uniform",
        "idle:hz=1000,host=macos,coalesce_permille=250,coalesce_shape=max",
        "idle:hz=1000,host=macos,coalesce_permille=250,coalesce_shape=window",
        "pingpong:rate=2000,hz=250,kicks=qemu",
        "burst:len=16,think_us=20,kicks=qemu",
        "compute:busy=1,idle=3",
        "idle:hz=250,vcpus=8"};
    if (full)
        s.insert(s.begin() + 6,
                 {"idle:hz=1000,host=macos,coalesce_permille=50,coalesce_shape=uniform",
                  "idle:hz=1000,host=macos,coalesce_permille=125,coalesce_shape=max",
                  "idle:hz=1000,host=macos,coalesce_permille=250,coalesce_shape=uniform"});
    // --full: run-queue delay from a host process on vCPU 0's CPU (hog=).
    if (full) s.push_back("idle:hz=1000,hog=500");
    // --full, G5's fourth check: two 4-vCPU VMs side by side (vm_pair.h).
    if (full) s.push_back("idle:hz=250,vcpus=4,vms=2");
    return s;
}

std::vector<std::string> default_governors() {
    return {"off",
            "seed:max_us=100",
            "adaptive",
            "deadline",
            "deadline+spin:us=match",
            "deadline+spin:us=cpumatch",
            "qemu10",
            "qemu11",
            "qemu11:ppoll=1",
            "kvm-haltpoll"};
}

std::vector<std::string> default_rows(const std::string &scenario) {
    // Every row on idle 1 kHz (the explanatory scenario: every governor and
    // peer side by side); elsewhere what the goals compare and `off` for the
    // test bed's floor. QEMU 11.1's model runs as QEMU runs there: without
    // ppoll() (whole-millisecond main-loop timeouts, as on macOS) under the
    // macOS host-timer model, with ppoll() (ns timeouts, as on Linux) on the
    // Linux host timer. The fixed-spin baseline matched to adaptive's spin
    // runs beside G1's rows.
    wfisvm::ScenarioSpec spec;
    std::string err;
    if (is_tcg_scenario(scenario) ||
        !wfisvm::parse_scenario(vm_scenario_text(scenario), &spec, &err))
        return {};
    if (spec.hog_permille > 0) return {"off", "adaptive", "deadline", "kvm-haltpoll"};
    if (scenario_vms_key(scenario) > 1) return {"adaptive", "deadline"};
    if (spec.host_timer.kind == wfisvm::HostTimerKind::kMacos)
        return {"off", "adaptive", "deadline", "qemu11"};
    const std::vector<std::string> base = {"off", "adaptive", "deadline", "qemu11:ppoll=1"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> v = base;
        v.insert(v.end(), extra.begin(), extra.end());
        return v;
    };
    if (scenario_vcpus_key(scenario) == 0 && same_scenario(scenario, "idle:hz=1000")) {
        std::vector<std::string> all;
        for (const auto &g : default_governors())
            if (g != "qemu11") all.push_back(g);
        for (const auto &p : peer_names()) all.push_back(p);
        return all;
    }
    if (scenario_vcpus_key(scenario) == 0 && same_scenario(scenario, "idle:hz=250"))
        return with({"deadline+spin:us=match", "deadline+spin:us=cpumatch"});
    if (spec.workload == wfisvm::Workload::kPingpong || spec.workload == wfisvm::Workload::kCompute)
        return with({"kvm-haltpoll"});
    if (spec.workload == wfisvm::Workload::kBurst) return {"off", "adaptive", "qemu11:ppoll=1"};
    return base;
}

std::vector<std::string> default_tcg_scenarios(bool full) {
    // G6's scenario: cyclictest at 1 kHz, one thread, at --vcpus (1 by default).
    std::vector<std::string> s = {"linux-cyclictest:hz=1000"};
    if (full)
        s.insert(s.end(), {"linux-cyclictest:hz=1000,threads=4,vcpus=4", "linux-idle:vcpus=4",
                           "linux-ping:rate=100"});
    return s;
}

std::vector<std::string> default_tcg_rows() {
    return {"qemu-tcg:upstream-noppoll", "qemu-tcg:wfisleep-noppoll:adaptive",
            "qemu-tcg:upstream-ppoll", "qemu-tcg:wfisleep-ppoll:adaptive"};
}

std::string help_text() {
    std::string h =
        "usage: wfisleep-bench [--scenario S]... [--governor G]... [--seconds N] [--vcpus N]\n"
        "                      [--repeat K | --quick] [--peers | --no-peers] [--seed N]\n"
        "                      [--json FILE] [--plot FILE] [--vm PATH] [--guest PATH] [--qemu "
        "PATH]\n"
        "                      [--host-timer linux|macos] [--kicks vector|qemu] [--reference G]\n"
        "                      [--fail-on-goals] [--no-qemu-tcg | --full] [--tcg-seconds N]\n"
        "                      [--tcg-repeat K] [--tcg-qemu NAME=PATH]... [--tcg-kernel PATH]\n"
        "                      [--tcg-initrd PATH]\n"
        "\n"
        "Runs K blocks; each block runs every (scenario, governor) pair once, each in a\n"
        "fresh real VM (wfisleep-vm --json), in a permutation drawn from --seed. Prints\n"
        "median (min-max) per pair and ratios against `off` and `seed:max_us=100` with 95%\n"
        "confidence intervals over the paired blocks, then goals G1-G6 as met / NOT met /\n"
        "inconclusive / not evaluated with their checks.\n"
        "\n"
        "With no --scenario and no --governor: the default matrix, peers included:\n";
    h += "  scenarios:";
    for (const auto &s : default_scenarios()) h += " " + s;
    h += "\n  (--full adds the other three macOS-model laws, idle:hz=1000,hog=500 and\n"
         "  idle:hz=250,vcpus=4,vms=2)";
    h += "\n  governors:";
    for (const auto &g : default_governors()) h += " " + g;
    h += "\n  (every governor and peer on idle:hz=1000 but qemu11; elsewhere the rows the\n"
         "  goals compare and off; qemu11 on the macOS-model rows, qemu11:ppoll=1 on the\n"
         "  others; deadline+spin:us=match and us=cpumatch also on idle:hz=250: 52 test-bed\n"
         "  runs per block)";
    h += "\n  real QEMU (TCG) scenarios:";
    for (const auto &s : default_tcg_scenarios(false)) h += " " + s;
    h += " (--full adds";
    for (const auto &s : default_tcg_scenarios(true))
        if (s != default_tcg_scenarios(false).front()) h += " " + s;
    h += ")\n  real QEMU (TCG) rows:";
    for (const auto &g : default_tcg_rows()) h += " " + g;
    h += "\n";
    h += fmt::format("  --seconds {} --repeat {} --vcpus {} --seed {}\n\n", Options{}.seconds,
                     Options{}.repeat, Options{}.vcpus, Options{}.seed);
    h += "Flags:\n"
         "  --scenario S   a scenario spec (repeatable; grammar below)\n"
         "  --governor G   a governor spec (repeatable; grammar below). The bench runs\n"
         "                 `seed` with grace_ms=0 unless the spec gives grace_ms, so boot\n"
         "                 grace does not hide its steady state; the output says so.\n"
         "                 deadline+spin:us=match spins, per block, what adaptive spent\n"
         "                 (poll + spin per timer interrupt) on that scenario, run first;\n"
         "                 us=cpumatch corrects that A by what the us=match run spun,\n"
         "                 so its CPU matches adaptive's (run after both).\n"
         "  --seconds N    run length of every run, seconds (0 < N <= 3600; default 1)\n"
         "  --vcpus N      vCPUs for every scenario but compute (1..64; default 1);\n"
         "                 compute uses busy+idle vCPUs; a test-bed scenario's own\n"
         "                 vcpus=N key (the bench's, e.g. idle:hz=250,vcpus=8) overrides it;\n"
         "                 the bench's vms=N key (1..8) runs N such VMs side by side as\n"
         "                 one run, their figures pooled\n"
         "  --repeat K     blocks (1..1000; default 8); the JSON `repeat` field is the\n"
         "                 block index 0..K-1 and `order` the position in the whole run\n"
         "  --quick        3 blocks (unless --repeat is given), ratios without intervals,\n"
         "                 goals reported as not evaluated (quick)\n"
         "  --peers        add the real peers (default with the default matrix):\n"
         "                 inkernel         wfisleep-vm --mode inkernel (KVM's in-kernel\n"
         "                                  irqchip, module default halt polling)\n"
         "                 inkernel:poll=0  the same with --halt-poll-ns 0\n"
         "                 qemu:irqchip=on  qemu-system-x86_64 -accel kvm, kernel-irqchip=on\n"
         "                 qemu:irqchip=off the same with kernel-irqchip=off\n"
         "                 QEMU boots the guest with qboot when installed (SeaBIOS takes\n"
         "                 15-30 s here); kernel-irqchip=off runs 1 vCPU only (secondary\n"
         "                 vCPUs hang there); QEMU cannot run pingpong/burst (they need\n"
         "                 our device); a peer that cannot run is skipped with the reason.\n"
         "  --no-peers     no peers, even with the default matrix\n"
         "  --in-vm-ab     (the default) per block and scenario, run our governors\n"
         "                 (wfisleep-vm userspace rows) in one VM that alternates them\n"
         "                 every 250 ms (first 50 ms of each segment discarded), each\n"
         "                 governor's figures pooled over its segments; peers, compute\n"
         "                 scenarios, vms= scenarios and the deadline+spin match rows\n"
         "                 keep fresh VMs\n"
         "  --no-in-vm-ab  a fresh VM per run\n"
         "  --seed N       seed for random arrivals (default 1), recorded in the JSON\n"
         "  --host-timer K linux (default) or macos: the host= of every scenario that\n"
         "                 gives none. macos is a MODEL of macOS timer coalescing on the\n"
         "                 governors' sleeps, not a Mac measurement; peers skip it\n"
         "  --kicks P      vector (default) or qemu: the kicks= of every scenario that\n"
         "                 gives none (qemu: QEMU's pattern, a kick on every device\n"
         "                 interrupt, also while the vCPU runs guest code)\n"
         "  --reference G  also print, per scenario, a Markdown table of every row over\n"
         "                 governor G (one of the --governor values): timer lateness p50\n"
         "                 and p99, workload CPU, with intervals (for parameter sweeps)\n"
         "  --json FILE    write every run and the machine description as JSON\n"
         "  --plot FILE    draw the plots with gnuplot; PNG or SVG by the extension\n"
         "  --vm PATH      wfisleep-vm to run (default: the build tree's, then $PATH)\n"
         "  --guest PATH   guest kernel (default: the build tree's wfis-guest.elf)\n"
         "  --qemu PATH    QEMU for the qemu peers (default: qemu-system-x86_64 on $PATH)\n"
         "  --help         this text\n"
         "\n"
         "  --fail-on-goals  let the goals decide the exit status when every run\n"
         "                 completed (below)\n"
         "\n"
         "Real QEMU (qemu-system-aarch64 10.2, TCG, booting a stock arm64 Linux guest):\n"
         "  rows qemu-tcg:BUILD[:POLICY] (given with --governor), BUILD one of\n"
         "                 upstream-ppoll, upstream-noppoll, wfisleep-ppoll, wfisleep-noppoll;\n"
         "                 POLICY adaptive or off, wfisleep builds only (WFISLEEP_POLICY in\n"
         "                 QEMU's environment, with WFISLEEP_STATS=1). noppoll = QEMU's own\n"
         "                 main-loop code where ppoll() is missing (ms timeouts), run on\n"
         "                 Linux: not a Mac.\n"
         "  scenarios (given with --scenario; they pair only with qemu-tcg rows):\n"
         "                 linux-idle[:vcpus=N]\n"
         "                 linux-cyclictest[:hz=H,threads=T,vcpus=N] (hz 1000, threads 1)\n"
         "                 linux-ping[:rate=R,vcpus=N]               (rate 100 per s)\n"
         "                 vcpus defaults to --vcpus\n"
         "  --no-qemu-tcg  leave the real-QEMU rows out of the default matrix\n"
         "  --full         add 4-vCPU cyclictest, 4-vCPU idle and ping to them, and the\n"
         "                 other three macOS-model laws, idle:hz=1000,hog=500 (a host\n"
         "                 process on vCPU 0's CPU) and idle:hz=250,vcpus=4,vms=2 (two\n"
         "                 4-vCPU VMs side by side) to the test bed's scenarios\n"
         "  --tcg-seconds N  each real-QEMU run's workload, whole seconds (1..3600;\n"
         "                 default 5; boot adds about 5 s)\n"
         "  --tcg-repeat K   real-QEMU rows run in the first min(K, --repeat) blocks\n"
         "                 (1..1000; default 6, the fewest with a 95% interval)\n"
         "  --tcg-qemu NAME=PATH  a build's qemu-system-aarch64 (repeatable); builds\n"
         "                 not given come from scripts/qemu-tcg.sh build (cached builds\n"
         "                 are reused; a cold cache builds QEMU, with its progress shown)\n"
         "  --tcg-kernel PATH, --tcg-initrd PATH  the guest (default: scripts/qemu-tcg.sh\n"
         "                 guest)\n"
         "\n"
         "Exit status: 0 every run completed with nothing lost; 1 a run failed (VM error,\n"
         "lost interrupts); 2 bad usage. Without --fail-on-goals the goals are reported,\n"
         "not in the exit status. With it, when no run failed: 0 every evaluated goal is\n"
         "met, 3 some goal is NOT met, 4 none is NOT met but some is inconclusive (goals\n"
         "not evaluated, e.g. with --quick or a partial matrix, do not count).\n"
         "\n"
         "Specs (shared with wfisleep-vm):\n";
    h += wfisvm::spec_help();
    if (!h.empty() && h.back() != '\n') h += '\n';
    return h;
}

namespace {

// Searches $PATH for an executable; empty when absent.
std::string find_on_path(const std::string &name) {
    const char *path = std::getenv("PATH");
    if (path == nullptr) return {};
    std::string p = path;
    size_t start = 0;
    while (start <= p.size()) {
        size_t end = p.find(':', start);
        if (end == std::string::npos) end = p.size();
        std::string dir = p.substr(start, end - start);
        if (!dir.empty()) {
            std::string cand = dir + "/" + name;
            if (access(cand.c_str(), X_OK) == 0) return cand;
        }
        start = end + 1;
    }
    return {};
}

// CLI11's own conversion, then the flag's range; false when either fails.
template <typename T>
bool convert(const std::string &s, T lo, T hi, T *out) {
    T v{};
    if (s.empty() || !CLI::detail::lexical_cast(s, v) || !(v >= lo && v <= hi)) return false;
    *out = v;
    return true;
}

std::string lower_ext(const std::string &path) {
    std::string ext = std::filesystem::path(path).extension().string();
    for (auto &c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

ParseOutcome bad(std::string msg) {
    for (auto &c : msg)
        if (c == '\n') c = ' ';
    return {2, "wfisleep-bench: " + msg + " (see --help)"};
}

}  // namespace

std::string scenario_with_default(const std::string &scenario, const std::string &key,
                                  const std::string &value) {
    wfisvm::ScenarioSpec spec;
    std::string err;
    if (!wfisvm::parse_scenario(vm_scenario_text(scenario), &spec, &err)) return scenario;
    // Only keys the grammar knows are asked for; a given key is left alone.
    const std::string rest = scenario.find(':') == std::string::npos
                                 ? std::string()
                                 : "," + scenario.substr(scenario.find(':') + 1);
    if (rest.find("," + key + "=") != std::string::npos) return scenario;
    return scenario + (rest.empty() ? ":" : ",") + key + "=" + value;
}

ParseOutcome parse_options(int argc, const char *const *argv, Options *out) {
    Options o;
    bool peers_flag = false, no_peers_flag = false, help = false, no_ab_flag = false,
         ab_flag = false;
    // Every valued flag is read as text and checked below, so each error
    // names the input and what is accepted in the bench's own words.
    std::string seconds, vcpus, repeat, seed;
    CLI::App app{"wfisleep-bench"};
    app.set_help_flag();
    app.allow_extras();  // reported below as one line naming the argument
    app.add_flag("--help,-h", help);
    for (auto [name, target] : {std::pair{"--peers", &peers_flag},
                                {"--no-peers", &no_peers_flag},
                                {"--quick", &o.quick},
                                {"--fail-on-goals", &o.fail_on_goals},
                                {"--no-qemu-tcg", &o.no_qemu_tcg},
                                {"--full", &o.full},
                                {"--in-vm-ab", &ab_flag},
                                {"--no-in-vm-ab", &no_ab_flag}})
        app.add_flag(name, *target)->disable_flag_override();
    auto *repeat_opt = app.add_option("--repeat", repeat);
    app.add_option("--scenario", o.scenarios);
    app.add_option("--governor", o.governors);
    app.add_option("--seconds", seconds);
    app.add_option("--vcpus", vcpus);
    app.add_option("--seed", seed);
    app.add_option("--json", o.json_path);
    app.add_option("--plot", o.plot_path);
    app.add_option("--vm", o.vm_path);
    app.add_option("--guest", o.guest_path);
    app.add_option("--qemu", o.qemu_path);
    app.add_option("--host-timer", o.host_timer);
    app.add_option("--kicks", o.kicks);
    app.add_option("--reference", o.reference);
    std::string tcg_seconds, tcg_repeat;
    std::vector<std::string> tcg_qemu;
    app.add_option("--tcg-seconds", tcg_seconds);
    app.add_option("--tcg-repeat", tcg_repeat);
    app.add_option("--tcg-qemu", tcg_qemu);
    app.add_option("--tcg-kernel", o.tcg_kernel);
    app.add_option("--tcg-initrd", o.tcg_initrd);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        std::string what = e.what();
        // A flag given a value: CLI11 names it without its dashes.
        const auto override_at = what.find(" was given a disallowed flag override");
        if (override_at != std::string::npos)
            return bad(fmt::format("--{} takes no value", what.substr(0, override_at)));
        // A valued flag at the end, or with an empty "=": "--json: 1 required TEXT missing".
        if (what.find(": 1 required ") != std::string::npos)
            return bad(fmt::format("{} needs a value", what.substr(0, what.find(':'))));
        return bad(what);
    }
    if (help) return {0, help_text()};
    if (!app.remaining().empty()) {
        const std::string arg = app.remaining().front();
        const std::string flag = arg.substr(0, arg.find('='));
        if (arg.rfind('-', 0) != 0) return bad(fmt::format("unexpected argument '{}'", arg));
        return bad(
            fmt::format("unknown flag '{}'; accepted: --scenario --governor --seconds --vcpus "
                        "--repeat --quick --peers --no-peers --seed --json --plot --vm --guest "
                        "--qemu --host-timer --kicks --reference --fail-on-goals --no-qemu-tcg "
                        "--full --in-vm-ab --no-in-vm-ab --tcg-seconds --tcg-repeat --tcg-qemu "
                        "--tcg-kernel --tcg-initrd "
                        "--help",
                        flag));
    }
    std::string err;
    for (const auto &sc : o.scenarios) {
        wfisvm::ScenarioSpec spec;
        TcgScenario tspec;
        if (is_tcg_scenario(sc) ? !parse_tcg_scenario(sc, &tspec, &err)
                                : !wfisvm::parse_scenario(vm_scenario_text(sc), &spec, &err))
            return bad("--scenario: " + err);
        if (!is_tcg_scenario(sc) && sc.find("vcpus=") != std::string::npos) {
            const int n = scenario_vcpus_key(sc);
            if (n < 1 || n > 64)
                return bad("--scenario " + sc + ": vcpus needs an integer from 1 to 64");
        }
        if (scenario_vms_key(sc) == 0)
            return bad(
                fmt::format("--scenario {}: vms needs an integer from 1 to {}", sc, kMaxVms));
    }
    for (const auto &g : o.governors) {
        wfisvm::GovernorSpec spec;
        TcgRow row;
        // deadline+spin:us=match gets its number per block (spin_match.h).
        if (is_tcg_row(g) ? !parse_tcg_row(g, &row, &err)
                          : !is_spin_match_row(g) && !wfisvm::parse_governor(g, &spec, &err))
            return bad("--governor: " + err);
    }
    if (!tcg_seconds.empty() && !convert(tcg_seconds, 1, 3600, &o.tcg_seconds))
        return bad(
            fmt::format("--tcg-seconds '{}': need a whole number from 1 to 3600", tcg_seconds));
    if (!tcg_repeat.empty() && !convert(tcg_repeat, 1, 1000, &o.tcg_repeat))
        return bad(fmt::format("--tcg-repeat '{}': need an integer from 1 to 1000", tcg_repeat));
    for (const auto &kv : tcg_qemu) {
        const size_t eq = kv.find('=');
        const std::string name = kv.substr(0, eq);
        const auto &names = tcg_build_names();
        if (eq == std::string::npos || eq + 1 == kv.size() ||
            std::find(names.begin(), names.end(), name) == names.end())
            return bad(fmt::format(
                "--tcg-qemu '{}': need NAME=PATH, NAME one of upstream-ppoll, upstream-noppoll, "
                "wfisleep-ppoll, wfisleep-noppoll",
                kv));
        o.tcg_qemu[name] = kv.substr(eq + 1);
    }
    for (const auto &[flag, path] :
         {std::pair{"--tcg-kernel", &o.tcg_kernel}, {"--tcg-initrd", &o.tcg_initrd}})
        if (app.count(flag) > 0 && path->empty()) return bad(fmt::format("{} needs a path", flag));
    if (o.no_qemu_tcg && o.full) return bad("--full and --no-qemu-tcg contradict each other");
    if (!seconds.empty() && (seconds.find_first_not_of("0123456789.") != std::string::npos ||
                             !convert(seconds, 1e-9, 3600.0, &o.seconds)))
        return bad(fmt::format("--seconds '{}': need a number > 0 and <= 3600", seconds));
    if (!vcpus.empty() && !convert(vcpus, 1, 64, &o.vcpus))
        return bad(fmt::format("--vcpus '{}': need an integer from 1 to 64", vcpus));
    const bool repeat_given = repeat_opt->count() > 0;
    if (repeat_given && !convert(repeat, 1, 1000, &o.repeat))
        return bad(fmt::format("--repeat '{}': need an integer from 1 to 1000", repeat));
    if (app.count("--seed") > 0 && (seed.find_first_not_of("0123456789") != std::string::npos ||
                                    !convert(seed, uint64_t{0}, UINT64_MAX, &o.seed)))
        return bad(fmt::format("--seed '{}': need an integer from 0 to 2^64-1", seed));
    if (app.count("--json") > 0 && o.json_path.empty()) return bad("--json needs a file name");
    if (app.count("--plot") > 0) {
        std::string ext = lower_ext(o.plot_path);
        if (ext != ".png" && ext != ".svg")
            return bad(
                fmt::format("--plot '{}': the file name must end in .png or .svg", o.plot_path));
    }
    if (o.host_timer != "linux" && o.host_timer != "macos")
        return bad(
            fmt::format("--host-timer '{}': accepted: linux, macos (a model of macOS coalescing)",
                        o.host_timer));
    if (o.kicks != "vector" && o.kicks != "qemu")
        return bad(fmt::format("--kicks '{}': accepted: vector, qemu", o.kicks));
    if (app.count("--reference") > 0 && o.reference.empty())
        return bad("--reference needs a governor spec");
    for (const auto &[flag, path] :
         {std::pair{"--vm", &o.vm_path}, {"--guest", &o.guest_path}, {"--qemu", &o.qemu_path}})
        if (app.count(flag) > 0 && path->empty()) return bad(fmt::format("{} needs a path", flag));
    if (peers_flag && no_peers_flag) return bad("--peers and --no-peers contradict each other");
    if (ab_flag && no_ab_flag) return bad("--in-vm-ab and --no-in-vm-ab contradict each other");
    o.in_vm_ab = !no_ab_flag;
    if (o.quick && !repeat_given) o.repeat = 3;
    o.default_matrix = o.scenarios.empty() && o.governors.empty();
    if (o.no_qemu_tcg) {
        for (const auto &sc : o.scenarios)
            if (is_tcg_scenario(sc))
                return bad(
                    fmt::format("--no-qemu-tcg and --scenario '{}' contradict each other", sc));
        for (const auto &g : o.governors)
            if (is_tcg_row(g))
                return bad(
                    fmt::format("--no-qemu-tcg and --governor '{}' contradict each other", g));
    }
    // The real-QEMU rows pair only with the Linux guest's scenarios and the
    // governors and peers only with the test bed's. What is not named comes
    // from the defaults, for the side(s) the named ones are on.
    {
        const bool s_given = !o.scenarios.empty(), g_given = !o.governors.empty();
        auto any = [](const std::vector<std::string> &v, bool (*pred)(const std::string &)) {
            return std::any_of(v.begin(), v.end(), pred);
        };
        auto not_tcg_s = [](const std::string &x) { return !is_tcg_scenario(x); };
        auto not_tcg_g = [](const std::string &x) { return !is_tcg_row(x); };
        const bool tcg_named = any(o.scenarios, is_tcg_scenario) || any(o.governors, is_tcg_row);
        const bool vm_named = std::any_of(o.scenarios.begin(), o.scenarios.end(), not_tcg_s) ||
                              std::any_of(o.governors.begin(), o.governors.end(), not_tcg_g);
        const bool want_vm = o.default_matrix || vm_named;
        const bool want_tcg = (o.default_matrix && !o.no_qemu_tcg) || tcg_named;
        if (!s_given) {
            if (want_vm) o.scenarios = default_scenarios(o.full);
            if (want_tcg)
                for (const auto &x : default_tcg_scenarios(o.full)) o.scenarios.push_back(x);
        }
        if (!g_given) {
            if (want_vm) o.governors = default_governors();
            if (want_tcg)
                for (const auto &x : default_tcg_rows()) o.governors.push_back(x);
        }
        // What was named must have a partner.
        const bool tcg_s = any(o.scenarios, is_tcg_scenario), tcg_g = any(o.governors, is_tcg_row);
        const bool vm_s = std::any_of(o.scenarios.begin(), o.scenarios.end(), not_tcg_s);
        const bool vm_g = std::any_of(o.governors.begin(), o.governors.end(), not_tcg_g);
        if (tcg_s && !tcg_g)
            return bad(
                "a linux-* scenario runs only with qemu-tcg:BUILD[:POLICY] rows; give one with "
                "--governor");
        if (tcg_g && !tcg_s)
            return bad(
                "qemu-tcg rows run only linux-* scenarios (linux-idle, linux-cyclictest, "
                "linux-ping); give one with --scenario");
        if (vm_s && !vm_g && !peers_flag)
            return bad(
                "the test bed's scenarios need a governor (or --peers); qemu-tcg rows run only "
                "linux-* scenarios");
        if (vm_g && !vm_s)
            return bad(
                "the test bed's governors run only its scenarios (idle, tickless, pingpong, "
                "burst, compute); linux-* scenarios are for qemu-tcg rows");
    }
    if (o.tcg_script.empty())
        o.tcg_script = std::string(WFISBENCH_SOURCE_DIR) + "/scripts/qemu-tcg.sh";
    o.peers = !no_peers_flag && (peers_flag || o.default_matrix);
    // The global defaults become explicit keys, so the scenario text in the
    // output and the JSON says what ran.
    for (const auto &[key, value, neutral] :
         {std::tuple<std::string, std::string, std::string>{"host", o.host_timer, "linux"},
          {"kicks", o.kicks, "vector"}}) {
        if (value == neutral) continue;
        std::vector<std::string> applied;
        for (const auto &sc : o.scenarios) {
            std::string with = scenario_with_default(sc, key, value);
            // The default matrix already holds such rows: keep one each.
            bool seen = false;
            for (const auto &a : applied) seen = seen || a == with;
            if (!seen || !o.default_matrix) applied.push_back(with);
        }
        o.scenarios = std::move(applied);
    }
    // Duplicates would run twice under one name and blur the table.
    for (auto *list : {&o.scenarios, &o.governors}) {
        for (size_t i = 0; i < list->size(); i++)
            for (size_t j = i + 1; j < list->size(); j++)
                if ((*list)[i] == (*list)[j])
                    return bad(fmt::format("'{}' given twice", (*list)[i]));
    }
    if (!o.reference.empty()) {
        bool listed = false;
        for (const auto &g : o.governors) listed = listed || g == o.reference;
        if (!listed)
            return bad(
                fmt::format("--reference '{}': not one of the --governor values", o.reference));
    }
    if (o.vm_path.empty()) {
        o.vm_path = WFISBENCH_DEFAULT_VM;
        if (o.vm_path.empty() || access(o.vm_path.c_str(), X_OK) != 0) {
            std::string found = find_on_path("wfisleep-vm");
            if (!found.empty()) o.vm_path = found;
        }
    }
    if (o.guest_path.empty()) o.guest_path = WFISBENCH_DEFAULT_GUEST;
    if (o.qemu_path.empty()) o.qemu_path = find_on_path("qemu-system-x86_64");
    *out = std::move(o);
    return {};
}

}  // namespace wfisbench
