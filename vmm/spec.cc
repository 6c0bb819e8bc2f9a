// spec.cc - parses scenario and governor specs ("name[:key=value,...]") and prints their help.
#include "spec.h"

#include <cctype>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/adaptive_policy.h"
#include "splitmix64.h"

namespace wfisvm {
namespace {

// One "key=value" of a spec, in the order given.
struct KeyValue {
    std::string key;
    std::string value;
};

// A spec split into its name and its key=value list.
struct SplitSpec {
    std::string name;
    std::vector<KeyValue> kvs;
};

std::string quote(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

// Splits "name[:k=v[,k=v...]]". Rejects empty parts and repeated keys, so
// every later lookup sees each key at most once.
bool split_spec(const std::string &what, const std::string &text, SplitSpec *out,
                std::string *err) {
    const std::string head = what + " " + quote(text) + ": ";
    const size_t colon = text.find(':');
    out->name = text.substr(0, colon);
    out->kvs.clear();
    if (out->name.empty()) {
        *err = head + "missing " + what + " name; accepted: name[:key=value[,key=value...]]";
        return false;
    }
    if (colon == std::string::npos) return true;
    const std::string rest = text.substr(colon + 1);
    if (rest.empty()) {
        *err = head + "nothing after ':'; accepted: name[:key=value[,key=value...]]";
        return false;
    }
    size_t pos = 0;
    while (pos <= rest.size()) {
        size_t comma = rest.find(',', pos);
        if (comma == std::string::npos) comma = rest.size();
        const std::string item = rest.substr(pos, comma - pos);
        const size_t eq = item.find('=');
        if (item.empty() || eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
            *err =
                head + "bad item " + quote(item) + "; accepted: key=value items separated by ','";
            return false;
        }
        KeyValue kv{item.substr(0, eq), item.substr(eq + 1)};
        for (const KeyValue &seen : out->kvs) {
            if (seen.key == kv.key) {
                *err = head + "key " + quote(kv.key) + " given twice; accepted: each key once";
                return false;
            }
        }
        out->kvs.push_back(std::move(kv));
        pos = comma + 1;
    }
    return true;
}

// Decimal digits only (no sign, space or suffix), value within lo..hi.
bool parse_number(const std::string &head, const KeyValue &kv, uint64_t lo, uint64_t hi,
                  const char *unit, uint64_t *out, std::string *err) {
    const std::string accepted = "; accepted: an integer " + std::to_string(lo) + ".." +
                                 std::to_string(hi) +
                                 (unit && *unit ? std::string(" (") + unit + ")" : std::string());
    uint64_t v = 0;
    bool ok = !kv.value.empty() && kv.value.size() <= 19;
    for (char c : kv.value) {
        if (!ok) break;
        if (c < '0' || c > '9') {
            ok = false;
            break;
        }
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (!ok) {
        *err = head + kv.key + "=" + kv.value + " is not a number" + accepted;
        return false;
    }
    if (v < lo || v > hi) {
        *err = head + kv.key + "=" + kv.value + " is out of range" + accepted;
        return false;
    }
    *out = v;
    return true;
}

bool unknown_key(const std::string &head, const KeyValue &kv, const std::string &accepted,
                 std::string *err) {
    *err = head + "unknown key " + quote(kv.key) + "; accepted: " + accepted;
    return false;
}

// A number key with its bounds; parse_keys stores through `out`.
struct NumberKey {
    const char *key;
    uint64_t lo;
    uint64_t hi;
    const char *unit;
    uint64_t *out;
};

// also_accepted: keys the caller handled itself, listed in the error.
bool parse_number_keys(const std::string &head, const std::vector<KeyValue> &kvs,
                       std::span<const NumberKey> keys, std::string *err,
                       const char *also_accepted = nullptr) {
    std::string accepted;
    for (const NumberKey &k : keys) {
        if (!accepted.empty()) accepted += ", ";
        accepted += k.key;
    }
    if (also_accepted) accepted += std::string(accepted.empty() ? "" : ", ") + also_accepted;
    if (accepted.empty()) accepted = "no keys";
    for (const KeyValue &kv : kvs) {
        const NumberKey *match = nullptr;
        for (const NumberKey &k : keys) {
            if (kv.key == k.key) match = &k;
        }
        if (!match) return unknown_key(head, kv, accepted, err);
        if (!parse_number(head, kv, match->lo, match->hi, match->unit, match->out, err)) {
            return false;
        }
    }
    return true;
}

// deadline+spin's us: up to 100 ms, far beyond any useful margin.
constexpr uint64_t kMaxSpinUs = 100000;

uint32_t u32(uint64_t v) {
    return static_cast<uint32_t>(v);
}

// Adaptive key "poll_max_ns" <-> tunable "WFISLEEP_ADAPTIVE_POLL_MAX_NS".
constexpr std::string_view kAdaptivePrefix = "WFISLEEP_ADAPTIVE_";

std::string adaptive_key(const char *tunable_name) {
    std::string_view n(tunable_name);
    if (n.substr(0, kAdaptivePrefix.size()) == kAdaptivePrefix)
        n.remove_prefix(kAdaptivePrefix.size());
    std::string key(n);
    for (char &c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

bool parse_adaptive(const std::string &head, const std::vector<KeyValue> &kvs, GovernorSpec *out,
                    std::string *err) {
    const auto tunables = wfisleep::adaptive_tunables();
    std::string accepted;
    for (const auto &t : tunables) {
        if (!accepted.empty()) accepted += ", ";
        accepted += adaptive_key(t.name);
    }
    accepted += std::string(accepted.empty() ? "" : ", ") + "slack_ns, trap_begin";
    wfisleep::AdaptiveParams params;  // defaults, overwritten by given keys
    for (const KeyValue &kv : kvs) {
        const wfisleep::Tunable<wfisleep::AdaptiveParams> *match = nullptr;
        for (const auto &t : tunables) {
            if (adaptive_key(t.name) == kv.key) match = &t;
        }
        if (!match) return unknown_key(head, kv, accepted, err);
        uint64_t v = 0;
        if (!parse_number(head, kv, match->min, match->max, match->unit, &v, err)) return false;
        params.*(match->field) = v;
        out->vars[match->name] = std::to_string(v);
    }
    // Cross-field rules (e.g. min <= max) are the library's: ask it now so a
    // bad combination is a usage error, not a silent fallback to "off".
    if (const char *why = wfisleep::adaptive_params_error(params)) {
        *err = head + why;
        return false;
    }
    return true;
}

// Keys every scenario accepts (the host-timer model), listed in errors.
constexpr const char *kCommonScenarioKeys =
    "host, coalesce_permille, coalesce_max_us, coalesce_shape, coalesce_window_us, kicks, hog, "
    "hog_period_us";

// Takes the common keys out of kvs into s; the rest stay for the workload.
bool parse_common_scenario_keys(const std::string &head, std::vector<KeyValue> *kvs,
                                ScenarioSpec *s, std::string *err) {
    std::vector<KeyValue> rest;
    uint64_t permille = s->host_timer.permille, max_us = s->host_timer.max_us;
    uint64_t window_us = s->host_timer.window_us;
    uint64_t hog = s->hog_permille, hog_period_us = s->hog_period_us;
    std::vector<KeyValue> numeric;
    bool coalesce_given = false, window_given = false, hog_period_given = false;
    for (const KeyValue &kv : *kvs) {
        if (kv.key == "host") {
            if (kv.value != "linux" && kv.value != "macos") {
                *err = head + "host=" + kv.value +
                       " is not a host-timer kind; accepted: linux, macos (a model of macOS "
                       "timer coalescing)";
                return false;
            }
            s->host_timer.kind =
                kv.value == "linux" ? HostTimerKind::kLinux : HostTimerKind::kMacos;
            s->host_given = true;
        } else if (kv.key == "kicks") {
            if (kv.value != "vector" && kv.value != "qemu") {
                *err = head + "kicks=" + kv.value +
                       " is not a kick pattern; accepted: vector (kick on a newly pending "
                       "vector), qemu (kick on every device interrupt)";
                return false;
            }
            s->kicks = kv.value == "vector" ? KickPattern::kVector : KickPattern::kQemu;
            s->kicks_given = true;
        } else if (kv.key == "coalesce_shape") {
            if (kv.value != "max" && kv.value != "uniform" && kv.value != "window") {
                *err = head + "coalesce_shape=" + kv.value +
                       " is not a shape; accepted: max, uniform, window";
                return false;
            }
            s->host_timer.shape = kv.value == "max"       ? CoalesceShape::kMax
                                  : kv.value == "uniform" ? CoalesceShape::kUniform
                                                          : CoalesceShape::kWindow;
            coalesce_given = true;
        } else if (kv.key == "coalesce_window_us") {
            numeric.push_back(kv);
            coalesce_given = true;
            window_given = true;
        } else if (kv.key == "coalesce_permille" || kv.key == "coalesce_max_us") {
            numeric.push_back(kv);
            coalesce_given = true;
        } else if (kv.key == "hog" || kv.key == "hog_period_us") {
            numeric.push_back(kv);
            hog_period_given = hog_period_given || kv.key == "hog_period_us";
        } else {
            rest.push_back(kv);
        }
    }
    const NumberKey keys[] = {{"coalesce_permille", 0, 1000, "per mille of the sleep", &permille},
                              {"coalesce_max_us", 0, 1000000, "us", &max_us},
                              {"coalesce_window_us", 100, 100000, "us", &window_us},
                              {"hog", 0, 1000, "per mille of vCPU 0's CPU", &hog},
                              {"hog_period_us", 100, 1000000, "us", &hog_period_us}};
    if (!parse_number_keys(head, numeric, keys, err)) return false;
    if (hog_period_given && hog == 0) {
        *err = head + "hog_period_us=" + std::to_string(hog_period_us) +
               " sets the CPU hog's period; accepted with hog=1..1000 only";
        return false;
    }
    if (window_given && s->host_timer.shape != CoalesceShape::kWindow) {
        *err = head + "coalesce_window_us=" + std::to_string(window_us) +
               " sets the grid of coalesce_shape=window; accepted with coalesce_shape=window only";
        return false;
    }
    if (coalesce_given && s->host_given && s->host_timer.kind == HostTimerKind::kLinux) {
        *err = head +
               "coalesce_* keys model macOS; accepted with host=macos (or no host= and "
               "--host-timer macos), not with host=linux";
        return false;
    }
    s->host_timer.permille = u32(permille);
    s->host_timer.max_us = u32(max_us);
    s->host_timer.window_us = u32(window_us);
    s->hog_permille = u32(hog);
    s->hog_period_us = u32(hog_period_us);
    *kvs = std::move(rest);
    return true;
}

}  // namespace

const char *host_timer_name(HostTimerKind kind) {
    return kind == HostTimerKind::kMacos ? "macos" : "linux";
}

const char *kick_pattern_name(KickPattern kicks) {
    return kicks == KickPattern::kQemu ? "qemu" : "vector";
}

const char *coalesce_shape_name(CoalesceShape shape) {
    switch (shape) {
        case CoalesceShape::kUniform:
            return "uniform";
        case CoalesceShape::kWindow:
            return "window";
        case CoalesceShape::kMax:
            break;
    }
    return "max";
}

HostTimerSpec host_timer_for_run(const HostTimerSpec &spec, uint64_t run_seed) {
    HostTimerSpec h = spec;
    h.grid_phase_ns = 0;
    if (h.shape != CoalesceShape::kWindow || h.window_us == 0) return h;
    // SplitMix64 of the seed (its own constant, apart from the vCPUs' draws).
    uint64_t state = run_seed ^ 0x67726964'70686173ULL;
    const uint64_t z = splitmix64_next(&state);
    h.grid_phase_ns = z % (static_cast<uint64_t>(h.window_us) * 1000);
    return h;
}

void apply_default_host_timer(ScenarioSpec *scenario, HostTimerKind kind) {
    if (!scenario->host_given) scenario->host_timer.kind = kind;
}

bool parse_scenario(const std::string &text, ScenarioSpec *out, std::string *err) {
    std::string scratch;
    if (!err) err = &scratch;
    SplitSpec sp;
    if (!split_spec("scenario", text, &sp, err)) return false;
    const std::string head = "scenario " + quote(text) + ": ";
    ScenarioSpec s;
    s.text = text;
    if (!parse_common_scenario_keys(head, &sp.kvs, &s, err)) return false;
    uint64_t a = 0, b = 0;
    if (sp.name == "idle") {
        s.workload = Workload::kIdle;
        a = s.hz;
        const NumberKey keys[] = {{"hz", 1, 10000, "Hz", &a}};
        if (!parse_number_keys(head, sp.kvs, keys, err, kCommonScenarioKeys)) return false;
        s.hz = u32(a);
    } else if (sp.name == "tickless") {
        s.workload = Workload::kTickless;
        a = s.mean_ms;
        const NumberKey keys[] = {{"mean_ms", 1, 10000, "ms", &a}};
        if (!parse_number_keys(head, sp.kvs, keys, err, kCommonScenarioKeys)) return false;
        s.mean_ms = u32(a);
    } else if (sp.name == "pingpong") {
        s.workload = Workload::kPingpong;
        a = s.rate;
        std::vector<KeyValue> numeric;
        for (const KeyValue &kv : sp.kvs) {
            if (kv.key != "dist") {
                numeric.push_back(kv);
            } else if (kv.value == "poisson" || kv.value == "fixed") {
                s.poisson = kv.value == "poisson";
            } else {
                *err =
                    head + "dist=" + kv.value + " is not a distribution; accepted: poisson, fixed";
                return false;
            }
        }
        b = s.tick_hz;
        const NumberKey keys[] = {{"rate", 1, 100000, "requests/s", &a},
                                  {"hz", 0, 10000, "Hz, 0 = no tick", &b}};
        if (!parse_number_keys(head, numeric, keys, err,
                               (std::string("dist, ") + kCommonScenarioKeys).c_str()))
            return false;
        s.rate = u32(a);
        s.tick_hz = u32(b);
    } else if (sp.name == "burst") {
        s.workload = Workload::kBurst;
        a = s.len;
        b = s.think_us;
        const NumberKey keys[] = {{"len", 1, 100000, "requests", &a},
                                  {"think_us", 0, 1000000, "us", &b}};
        if (!parse_number_keys(head, sp.kvs, keys, err, kCommonScenarioKeys)) return false;
        s.len = u32(a);
        s.think_us = u32(b);
    } else if (sp.name == "compute") {
        s.workload = Workload::kCompute;
        a = s.busy;
        b = s.idle;
        uint64_t ihz = s.idle_hz;
        const NumberKey keys[] = {{"busy", 1, 64, "vCPUs", &a},
                                  {"idle", 0, 63, "vCPUs", &b},
                                  {"idle_hz", 0, 10000, "Hz, 0 = no tick", &ihz}};
        if (!parse_number_keys(head, sp.kvs, keys, err, kCommonScenarioKeys)) return false;
        if (a + b > 64) {
            *err = head + "busy+idle=" + std::to_string(a + b) +
                   " vCPUs is too many; accepted: busy+idle <= 64";
            return false;
        }
        s.busy = u32(a);
        s.idle = u32(b);
        s.idle_hz = u32(ihz);
    } else {
        *err = head + "unknown scenario " + quote(sp.name) +
               "; accepted: idle, tickless, pingpong, burst, compute";
        return false;
    }
    *out = s;
    return true;
}

bool parse_governor(const std::string &text, GovernorSpec *out, std::string *err) {
    std::string scratch;
    if (!err) err = &scratch;
    SplitSpec sp;
    if (!split_spec("governor", text, &sp, err)) return false;
    const std::string head = "governor " + quote(text) + ": ";
    GovernorSpec g;
    g.text = text;
    // Keys beside a governor's own: slack_ns (every governor), trap_begin
    // (library policies). They are taken out before the governor's keys.
    const bool library = sp.name == "off" || sp.name == "seed" || sp.name == "adaptive";
    const std::string common = library ? "slack_ns, trap_begin" : "slack_ns";
    {
        std::vector<KeyValue> rest, mine;
        for (const KeyValue &kv : sp.kvs)
            (kv.key == "slack_ns" || (library && kv.key == "trap_begin") ? mine : rest)
                .push_back(kv);
        uint64_t trap = 1;
        const NumberKey keys[] = {{"slack_ns", 1, 1000000000, "ns", &g.slack_ns},
                                  {"trap_begin", 0, 1, "0|1", &trap}};
        if (!parse_number_keys(head, mine, keys, err)) return false;
        g.trap_begin = trap != 0;
        sp.kvs = std::move(rest);
    }
    auto no_keys = [&](GovernorKind kind) {
        g.kind = kind;
        if (!sp.kvs.empty()) return unknown_key(head, sp.kvs.front(), common, err);
        return true;
    };
    if (sp.name == "off") {
        if (!no_keys(GovernorKind::kOff)) return false;
        g.vars["WFISLEEP_POLICY"] = "off";
    } else if (sp.name == "seed") {
        g.kind = GovernorKind::kSeed;
        uint64_t max_us = 100, grace_ms = 0, strict = 0;
        const NumberKey keys[] = {{"max_us", 1, 10000, "us", &max_us},
                                  {"grace_ms", 0, 600000, "ms", &grace_ms},
                                  {"strict", 0, 1, "0|1", &strict}};
        if (!parse_number_keys(head, sp.kvs, keys, err, common.c_str())) return false;
        g.vars["WFISLEEP_POLICY"] = "seed";
        g.vars["HVF_WFI_SLEEP"] = std::to_string(max_us);
        g.vars["WFISLEEP_BOOT_GRACE_MS"] = std::to_string(grace_ms);
        g.vars["WFISLEEP_SEED_STRICT"] = std::to_string(strict);
    } else if (sp.name == "adaptive") {
        g.kind = GovernorKind::kAdaptive;
        g.vars["WFISLEEP_POLICY"] = "adaptive";
        if (!parse_adaptive(head, sp.kvs, &g, err)) return false;
    } else if (sp.name == "deadline") {
        if (!no_keys(GovernorKind::kDeadline)) return false;
    } else if (sp.name == "deadline+spin") {
        g.kind = GovernorKind::kDeadlineSpin;
        // A fixed baseline has no good default margin: us is required.
        bool given = false;
        for (const KeyValue &kv : sp.kvs) given = given || kv.key == "us";
        const NumberKey keys[] = {
            {"us", 0, kMaxSpinUs, "us of spin before the deadline", &g.spin_us}};
        if (!parse_number_keys(head, sp.kvs, keys, err, common.c_str())) return false;
        if (!given) {
            *err = head + "missing key \"us\"; accepted: deadline+spin:us=0.." +
                   std::to_string(kMaxSpinUs) + " (us of spin before the deadline)";
            return false;
        }
    } else if (sp.name == "qemu10") {
        if (!no_keys(GovernorKind::kQemu10)) return false;
    } else if (sp.name == "qemu11") {
        g.kind = GovernorKind::kQemu11;
        uint64_t ppoll = 0;
        const NumberKey keys[] = {{"ppoll", 0, 1, "0|1", &ppoll}};
        if (!parse_number_keys(head, sp.kvs, keys, err, common.c_str())) return false;
        g.qemu11_ppoll = ppoll != 0;
    } else if (sp.name == "kvm-haltpoll") {
        g.kind = GovernorKind::kKvmHaltpoll;
        // Bounds: KVM's parameters are unsigned ints; we cap the window at
        // 10 ms and the factors at 64 so a typo cannot make a runaway poll.
        const NumberKey keys[] = {
            {"poll_ns", 0, 10000000, "ns", &g.halt_poll_ns},
            {"grow", 0, 64, "factor, 0 = never grow", &g.halt_poll_grow},
            {"grow_start", 0, 10000000, "ns", &g.halt_poll_grow_start},
            {"shrink", 0, 64, "divisor, 0 = reset to 0", &g.halt_poll_shrink}};
        if (!parse_number_keys(head, sp.kvs, keys, err, common.c_str())) return false;
    } else {
        *err = head + "unknown governor " + quote(sp.name) +
               "; accepted: off, seed, adaptive, deadline, deadline+spin, qemu10, qemu11, "
               "kvm-haltpoll";
        return false;
    }
    *out = std::move(g);
    return true;
}

std::string spec_help() {
    std::string h;
    h += "Scenario specs (name[:key=value,...]; every key optional):\n";
    h += "  idle[:hz=N]                 periodic guest tick only; hz 1..10000, default 1000\n";
    h += "  tickless[:mean_ms=N]        one-shot timers at random intervals; mean_ms 1..10000, "
         "default 10\n";
    h += "  pingpong[:rate=N,dist=D,hz=N]\n";
    h += "                              host device interrupts the guest acknowledges;\n";
    h += "                              rate 1..100000 per second (all vCPUs), default 2000;\n";
    h += "                              dist poisson|fixed, default poisson; hz 0..10000: the\n";
    h += "                              guest's tick running beside them, default 0 (none)\n";
    h += "  burst[:len=N,think_us=N]    request/response chains; len 1..100000, default 64;\n";
    h += "                              think_us 0..1000000 between chains, default 200\n";
    h += "  compute[:busy=N,idle=N,idle_hz=N]\n";
    h += "                              busy vCPUs doing work beside idle ones; busy 1..64,\n";
    h += "                              default 1; idle 0..63, default 3; busy+idle <= 64;\n";
    h += "                              idle_hz 0..10000: the idle vCPUs' tick, default 1000\n";
    h += "Every scenario also accepts the host-timer model:\n";
    h += "  host=linux|macos            linux (default): the real host's timer; macos: the real\n";
    h += "                              host plus a MODEL of macOS timer coalescing (not a Mac\n";
    h += "                              measurement): each bounded sleep of length L of every\n";
    h += "                              governor ends late by min(permille/1000 x L, max_us) x U\n";
    h += "  coalesce_permille=N         0..1000, default 125\n";
    h += "  coalesce_max_us=N           0..1000000, default 1000\n";
    h += "  coalesce_shape=max|uniform|window\n";
    h += "                              U = 1 (max, default) or uniform in [0, 1] (seeded);\n";
    h += "                              window: instead, the sleep's end moves to the next\n";
    h += "                              boundary of a grid shared by the VM's vCPUs (phase\n";
    h += "                              drawn from the seed), at most min(permille/1000 x L,\n";
    h += "                              max_us) late\n";
    h += "  coalesce_window_us=N        the window grid's step, 100..100000, default 1000\n";
    h += "  kicks=vector|qemu           which device interrupts kick the governor: vector\n";
    h += "                              (default) only a newly pending one; qemu every one,\n";
    h += "                              also while the vCPU runs guest code (QEMU's pattern)\n";
    h += "  hog=N                       0..1000, default 0 (none): a host process pinned to\n";
    h += "                              vCPU 0's CPU (the VMM pins that thread too), busy N per\n";
    h += "                              mille of each period on average (seeded lengths); its\n";
    h += "                              CPU is not the VM's (KVM backends only)\n";
    h += "  hog_period_us=N             the hog's period, 100..1000000, default 1000\n";
    h += "Governor specs:\n";
    h += "  every governor takes slack_ns=N (1..1000000000, default 1): the vCPU thread's\n";
    h += "  timer slack, set by the VMM before the first idle (no effect under host=macos)\n";
    h += "  off, seed and adaptive also take trap_begin=0|1 (default 1): drop a stale kick\n";
    h += "  at each HLT exit (wfisleep_vcpu_trap_begin), as the QEMU glue does\n";
    h += "  off                         return to the guest at once (library policy)\n";
    h += "  seed[:max_us=N,grace_ms=N,strict=0|1]\n";
    h += "                              the design document's v2 (library policy); max_us\n";
    h += "                              1..10000, default 100; grace_ms 0..600000, default 0\n";
    h += "                              here (the library's own default is 15000); strict=1\n";
    h += "                              makes the sleep non-kickable, default 0\n";
    h += "  adaptive[:key=value,...]    our deadline-aware policy (library policy); keys:\n";
    const wfisleep::AdaptiveParams defaults;
    for (const auto &t : wfisleep::adaptive_tunables()) {
        std::string line = "    " + adaptive_key(t.name) + " " + std::to_string(t.min) + ".." +
                           std::to_string(t.max) +
                           (t.unit && *t.unit ? std::string(" ") + t.unit : "") + ", default " +
                           std::to_string(defaults.*(t.field));
        if (t.doc && *t.doc) line += ": " + std::string(t.doc);
        h += line + "\n";
    }
    h += "  deadline                    model of libkrun: kickable sleep to the guest deadline\n";
    h += "  deadline+spin:us=N          baseline: kickable sleep to N us before the guest\n";
    h += "                              deadline, then a spin to it; us 0..100000, required\n";
    h += "  qemu10                      model of QEMU 6.2-10.x hvf_wfi: return at once when the\n";
    h += "                              deadline is under 2 ms, else kickable sleep to it\n";
    h += "  qemu11[:ppoll=0|1]          model of QEMU 11.1's WFI: halt until kicked; a main-loop\n";
    h += "                              thread kicks at the timer, its poll timeout rounded up\n";
    h += "                              to whole ms (ppoll=0, default: QEMU without ppoll, as\n";
    h += "                              on macOS) or in ns (ppoll=1: QEMU on Linux)\n";
    h += "  kvm-haltpoll[:poll_ns=N,grow=N,grow_start=N,shrink=N]\n";
    h += "                              model of KVM halt polling in userspace; x86 defaults\n";
    h += "                              poll_ns 200000 (0..10000000), grow 2 (0..64),\n";
    h += "                              grow_start 10000 (0..10000000), shrink 0 (0..64)\n";
    h += "Models are ours, written from public descriptions; see docs/governors.md.\n";
    return h;
}

}  // namespace wfisvm
