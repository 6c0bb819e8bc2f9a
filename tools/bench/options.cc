// options.cc - parses and validates wfisleep-bench's flags (hand-written: exact one-line errors).
#include "options.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <tuple>

#include "spec.h"

#ifndef WFISBENCH_DEFAULT_VM
#define WFISBENCH_DEFAULT_VM ""
#endif
#ifndef WFISBENCH_DEFAULT_GUEST
#define WFISBENCH_DEFAULT_GUEST ""
#endif

namespace wfisbench {

std::vector<std::string> default_scenarios() {
    // The rows G1-G4 need: G1 idle on the Linux host timer, G2 the same under
    // the macOS host-timer model, G3 pingpong with a tick and QEMU's kicks,
    // G4 compute with ticking siblings and its no-tick baseline.
    return {"idle:hz=1000", "idle:hz=1000,host=macos", "pingpong:rate=2000,hz=250,kicks=qemu",
            "compute:busy=1,idle=3", "compute:busy=1,idle=3,idle_hz=0"};
}

std::vector<std::string> default_governors() {
    return {"off", "seed:max_us=100", "adaptive", "deadline", "qemu10", "qemu11", "kvm-haltpoll"};
}

std::string help_text() {
    std::string h =
        "usage: wfisleep-bench [--scenario S]... [--governor G]... [--seconds N] [--vcpus N]\n"
        "                      [--repeat K | --quick] [--peers | --no-peers] [--seed N]\n"
        "                      [--json FILE] [--plot FILE] [--vm PATH] [--guest PATH] [--qemu "
        "PATH]\n"
        "                      [--host-timer linux|macos] [--kicks vector|qemu] [--reference G]\n"
        "\n"
        "Runs K blocks; each block runs every (scenario, governor) pair once, each in a\n"
        "fresh real VM (wfisleep-vm --json), in a permutation drawn from --seed. Prints\n"
        "median (min-max) per pair and ratios against `off` and `seed:max_us=100` with 95%\n"
        "confidence intervals over the paired blocks, then goals G1-G4 as met / NOT met /\n"
        "inconclusive / not evaluated with their checks.\n"
        "\n"
        "With no --scenario and no --governor: the default matrix, peers included:\n";
    h += "  scenarios:";
    for (const auto &s : default_scenarios()) h += " " + s;
    h += "\n  governors:";
    for (const auto &g : default_governors()) h += " " + g;
    h += "\n";
    h += fmt::format("  --seconds {} --repeat {} --vcpus {} --seed {}\n\n", Options{}.seconds,
                     Options{}.repeat, Options{}.vcpus, Options{}.seed);
    h += "Flags:\n"
         "  --scenario S   a scenario spec (repeatable; grammar below)\n"
         "  --governor G   a governor spec (repeatable; grammar below). The bench runs\n"
         "                 `seed` with grace_ms=0 unless the spec gives grace_ms, so boot\n"
         "                 grace does not hide its steady state; the output says so.\n"
         "  --seconds N    run length of every run, seconds (0 < N <= 3600; default 1)\n"
         "  --vcpus N      vCPUs for every scenario but compute (1..64; default 1);\n"
         "                 compute uses busy+idle vCPUs\n"
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
         "Exit status: 0 every run completed with nothing lost; 1 a run failed (VM error,\n"
         "lost interrupts); 2 bad usage. Unmet goals are reported, not in the exit status.\n"
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

bool parse_int(const std::string &s, long long lo, long long hi, long long *out) {
    long long v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || v < lo || v > hi) return false;
    *out = v;
    return true;
}

bool parse_u64(const std::string &s, uint64_t *out) {
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return false;
    *out = v;
    return true;
}

bool parse_seconds(const std::string &s, double *out) {
    if (s.empty() || s.find_first_not_of("0123456789.") != std::string::npos) return false;
    errno = 0;
    char *end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0 || v > 3600)
        return false;
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
    if (!wfisvm::parse_scenario(scenario, &spec, &err)) return scenario;
    // Only keys the grammar knows are asked for; a given key is left alone.
    const std::string rest = scenario.find(':') == std::string::npos
                                 ? std::string()
                                 : "," + scenario.substr(scenario.find(':') + 1);
    if (rest.find("," + key + "=") != std::string::npos) return scenario;
    return scenario + (rest.empty() ? ":" : ",") + key + "=" + value;
}

ParseOutcome parse_options(int argc, const char *const *argv, Options *out) {
    Options o;
    bool peers_flag = false, no_peers_flag = false, repeat_given = false;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (size_t i = 0; i < args.size(); i++) {
        std::string flag = args[i], value;
        bool has_inline = false;
        if (flag.rfind("--", 0) == 0) {
            size_t eq = flag.find('=');
            if (eq != std::string::npos) {
                value = flag.substr(eq + 1);
                flag = flag.substr(0, eq);
                has_inline = true;
            }
        }
        if (flag == "--help" || flag == "-h") return {0, help_text()};
        if (flag == "--peers" || flag == "--no-peers" || flag == "--quick") {
            if (has_inline) return bad(fmt::format("{} takes no value", flag));
            (flag == "--peers" ? peers_flag : flag == "--quick" ? o.quick : no_peers_flag) = true;
            continue;
        }
        static const char *const kValued[] = {
            "--scenario", "--governor",   "--seconds", "--vcpus",    "--repeat",
            "--seed",     "--json",       "--plot",    "--vm",       "--guest",
            "--qemu",     "--host-timer", "--kicks",   "--reference"};
        bool known = false;
        for (const char *k : kValued) known = known || flag == k;
        if (!known) {
            if (flag.rfind("-", 0) != 0) return bad(fmt::format("unexpected argument '{}'", flag));
            return bad(fmt::format(
                "unknown flag '{}'; accepted: --scenario --governor --seconds --vcpus --repeat "
                "--quick --peers --no-peers --seed --json --plot --vm --guest --qemu --host-timer "
                "--kicks --reference --help",
                flag));
        }
        if (!has_inline) {
            if (i + 1 >= args.size()) return bad(fmt::format("{} needs a value", flag));
            value = args[++i];
        }
        std::string err;
        if (flag == "--scenario") {
            wfisvm::ScenarioSpec spec;
            if (!wfisvm::parse_scenario(value, &spec, &err)) return bad("--scenario: " + err);
            o.scenarios.push_back(value);
        } else if (flag == "--governor") {
            wfisvm::GovernorSpec spec;
            if (!wfisvm::parse_governor(value, &spec, &err)) return bad("--governor: " + err);
            o.governors.push_back(value);
        } else if (flag == "--seconds") {
            if (!parse_seconds(value, &o.seconds))
                return bad(fmt::format("--seconds '{}': need a number > 0 and <= 3600", value));
        } else if (flag == "--vcpus" || flag == "--repeat") {
            long long v = 0;
            long long hi = flag == "--vcpus" ? 64 : 1000;
            if (!parse_int(value, 1, hi, &v))
                return bad(fmt::format("{} '{}': need an integer from 1 to {}", flag, value, hi));
            (flag == "--vcpus" ? o.vcpus : o.repeat) = static_cast<int>(v);
            if (flag == "--repeat") repeat_given = true;
        } else if (flag == "--seed") {
            if (!parse_u64(value, &o.seed))
                return bad(fmt::format("--seed '{}': need an integer from 0 to 2^64-1", value));
        } else if (flag == "--json") {
            if (value.empty()) return bad("--json needs a file name");
            o.json_path = value;
        } else if (flag == "--plot") {
            std::string ext = lower_ext(value);
            if (ext != ".png" && ext != ".svg")
                return bad(
                    fmt::format("--plot '{}': the file name must end in .png or .svg", value));
            o.plot_path = value;
        } else if (flag == "--host-timer") {
            if (value != "linux" && value != "macos")
                return bad(fmt::format(
                    "--host-timer '{}': accepted: linux, macos (a model of macOS coalescing)",
                    value));
            o.host_timer = value;
        } else if (flag == "--kicks") {
            if (value != "vector" && value != "qemu")
                return bad(fmt::format("--kicks '{}': accepted: vector, qemu", value));
            o.kicks = value;
        } else if (flag == "--reference") {
            if (value.empty()) return bad("--reference needs a governor spec");
            o.reference = value;
        } else if (flag == "--vm" || flag == "--guest" || flag == "--qemu") {
            if (value.empty()) return bad(fmt::format("{} needs a path", flag));
            (flag == "--vm" ? o.vm_path : flag == "--guest" ? o.guest_path : o.qemu_path) = value;
        }
    }
    if (peers_flag && no_peers_flag) return bad("--peers and --no-peers contradict each other");
    if (o.quick && !repeat_given) o.repeat = 3;
    o.default_matrix = o.scenarios.empty() && o.governors.empty();
    if (o.scenarios.empty()) o.scenarios = default_scenarios();
    if (o.governors.empty()) o.governors = default_governors();
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
