// matrix.cc - builds the interleaved run list and the peers' skip reasons.
#include "matrix.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "ab_group.h"
#include "scenario_match.h"
#include "spec.h"
#include "spin_match.h"
#include "splitmix64.h"
#include "tcg_spec.h"

namespace wfisbench {

namespace {

// A PRNG whose sequence is fixed by its definition (std::shuffle's is not
// across standard libraries), so a seed names the same order everywhere.
struct SplitMix64 {
    uint64_t state;
    explicit SplitMix64(uint64_t seed) : state(seed) {}
    uint64_t next() { return wfisvm::splitmix64_next(&state); }
    // Uniform in [0, n) (n small: the modulo bias is below 2^-50).
    size_t below(size_t n) { return static_cast<size_t>(next() % n); }
};

}  // namespace

uint64_t block_seed(uint64_t seed, int block) {
    // A stream of its own (the constant keeps it apart from the order's),
    // drawn block by block so block b's seed depends on nothing else.
    SplitMix64 g(seed ^ 0x5eedb10c5eedb10cull);
    uint64_t s = g.next();
    for (int b = 0; b < block; b++) s = g.next();
    return s;
}

const char *backend_name(Backend b) {
    switch (b) {
        case Backend::kKvm:
            return "kvm";
        case Backend::kInkernel:
            return "inkernel";
        case Backend::kQemu:
            return "qemu";
        case Backend::kSimulated:
            return "simulated";
        case Backend::kQemuTcg:
            return "qemu-tcg";
    }
    return "?";
}

HostFacts probe_host(const Options &opt) {
    HostFacts h;
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    h.kvm = fd >= 0;
    if (fd >= 0) close(fd);
    h.vm_path = opt.vm_path;
    h.guest_path = opt.guest_path;
    h.qemu_path = opt.qemu_path;
    h.vm = !opt.vm_path.empty() && access(opt.vm_path.c_str(), X_OK) == 0;
    struct stat st {};
    h.guest =
        !opt.guest_path.empty() && stat(opt.guest_path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    h.qemu = !opt.qemu_path.empty() && access(opt.qemu_path.c_str(), X_OK) == 0;
    return h;
}

std::vector<std::string> peer_names() {
    return {"inkernel", "inkernel:poll=0", "qemu:irqchip=on", "qemu:irqchip=off"};
}

int scenario_vcpus(const std::string &scenario, int vcpus) {
    if (is_tcg_scenario(scenario)) return tcg_scenario_vcpus(scenario, vcpus);
    if (int n = scenario_vcpus_key(scenario); n > 0) return n;
    wfisvm::ScenarioSpec s;
    std::string err;
    if (wfisvm::parse_scenario(vm_scenario_text(scenario), &s, &err) &&
        s.workload == wfisvm::Workload::kCompute)
        return static_cast<int>(s.busy + s.idle);
    return vcpus;
}

std::string peer_skip_reason(const std::string &peer, const std::string &scenario, int vcpus,
                             const HostFacts &host) {
    if (!host.kvm) return "/dev/kvm is missing or not accessible: the peers need real KVM";
    if (!host.guest)
        return "guest kernel not found at '" + host.guest_path + "' (build target wfis-guest)";
    wfisvm::ScenarioSpec s;
    std::string err;
    if (!wfisvm::parse_scenario(vm_scenario_text(scenario), &s, &err))
        return "bad scenario: " + err;
    if (s.host_timer.kind == wfisvm::HostTimerKind::kMacos)
        return "host=macos is a model of macOS timer coalescing applied to the governors' waits "
               "in wfisleep-vm; the peers halt in KVM or QEMU, where the model cannot act";
    if (scenario_vms_key(scenario) > 1 && peer.rfind("inkernel", 0) != 0)
        return "vms=N runs wfisleep-vm processes side by side; QEMU is not run that way";
    if (peer.rfind("inkernel", 0) == 0) {
        if (!host.vm) return "wfisleep-vm not found at '" + host.vm_path + "'";
        return {};
    }
    if (!host.qemu)
        return host.qemu_path.empty()
                   ? "qemu-system-x86_64 not found on $PATH (scripts/setup.sh installs it)"
                   : "QEMU not executable at '" + host.qemu_path + "'";
    if (s.workload == wfisvm::Workload::kPingpong || s.workload == wfisvm::Workload::kBurst)
        return "QEMU cannot run " + scenario.substr(0, scenario.find(':')) +
               ": its requests come from wfisleep-vm's own device";
    if (peer == "qemu:irqchip=off" && scenario_vcpus(scenario, vcpus) != 1)
        return "QEMU with kernel-irqchip=off runs 1 vCPU only here: with its userspace LAPIC "
               "our guest's secondary vCPUs hang during start-up; this scenario needs " +
               std::to_string(scenario_vcpus(scenario, vcpus));
    return {};
}

std::string vm_governor_spec(const std::string &governor) {
    wfisvm::GovernorSpec g;
    std::string err;
    if (!wfisvm::parse_governor(governor, &g, &err) || g.kind != wfisvm::GovernorKind::kSeed)
        return governor;
    if (governor.find("grace_ms=") != std::string::npos) return governor;
    return governor + (governor.find(':') == std::string::npos ? ":grace_ms=0" : ",grace_ms=0");
}

Matrix build_matrix(const Options &opt, const HostFacts &host) {
    Matrix m;
    // The default matrix runs on each scenario only the rows listed for it.
    auto wanted = [&](const std::string &sc, const std::string &g) {
        if (!opt.default_matrix) return true;
        const std::vector<std::string> rows = default_rows(sc);
        return rows.empty() || std::find(rows.begin(), rows.end(), g) != rows.end();
    };
    // Which peers can run which scenario: decided once, reported once.
    std::vector<std::vector<std::string>> peers_for(opt.scenarios.size());
    if (opt.peers) {
        for (size_t si = 0; si < opt.scenarios.size(); si++) {
            if (is_tcg_scenario(opt.scenarios[si])) continue;  // the Linux guest: no peers
            for (const auto &p : peer_names()) {
                if (!wanted(opt.scenarios[si], p)) continue;
                std::string why = peer_skip_reason(p, opt.scenarios[si], opt.vcpus, host);
                if (why.empty())
                    peers_for[si].push_back(p);
                else
                    m.skips.push_back({opt.scenarios[si], p, why});
            }
        }
    }
    // One block: every (scenario, governor or peer) pair once.
    std::vector<RunPlan> block, tcg_block;
    for (size_t si = 0; si < opt.scenarios.size(); si++) {
        const std::string &sc = opt.scenarios[si];
        RunPlan base;
        base.scenario = sc;
        base.vcpus = scenario_vcpus(sc, opt.vcpus);
        base.seconds = opt.seconds;
        if (is_tcg_scenario(sc)) {
            // Real QEMU: its rows only, or a skip each when the builds or the guest are missing.
            base.seconds = opt.tcg_seconds;
            for (const auto &g : opt.governors) {
                if (!is_tcg_row(g)) continue;
                if (!host.tcg_missing.empty()) {
                    m.skips.push_back({sc, g, host.tcg_missing});
                    continue;
                }
                RunPlan p = base;
                p.governor = p.vm_governor = g;
                p.peer = true;
                p.backend = Backend::kQemuTcg;
                tcg_block.push_back(p);
            }
            continue;
        }
        for (const auto &g : opt.governors) {
            if (is_tcg_row(g) || !wanted(sc, g)) continue;
            RunPlan p = base;
            p.governor = g;
            p.vm_governor = vm_governor_spec(g);
            p.backend = host.kvm ? Backend::kKvm : Backend::kSimulated;
            block.push_back(p);
        }
        for (const auto &peer : peers_for[si]) {
            RunPlan p = base;
            p.governor = peer;
            p.peer = true;
            if (peer.rfind("inkernel", 0) == 0) {
                p.backend = Backend::kInkernel;
                if (peer == "inkernel:poll=0") p.halt_poll_ns = 0;
            } else {
                p.backend = Backend::kQemu;
                p.qemu_irqchip = peer == "qemu:irqchip=on";
            }
            block.push_back(p);
        }
    }
    // Each block runs them in its own permutation drawn from the seed, so
    // slow drift and neighbour effects land on no governor in particular.
    SplitMix64 rng(opt.seed);
    // deadline+spin:us=match takes its spin from the partner's run before it.
    const std::string partner = spin_match_partner(opt.governors);
    int order = 0;
    const int tcg_blocks = std::min(opt.tcg_repeat, opt.repeat);
    for (int r = 0; r < opt.repeat; r++) {
        std::vector<RunPlan> b = block;
        if (r < tcg_blocks) b.insert(b.end(), tcg_block.begin(), tcg_block.end());
        for (size_t i = b.size(); i > 1; i--) std::swap(b[i - 1], b[rng.below(i)]);
        order_spin_match_after_partner(&b, partner);
        for (auto &p : b) {
            p.repeat = r;
            p.order = order++;
            p.seed = block_seed(opt.seed, r);
            m.runs.push_back(p);
        }
    }
    if (opt.in_vm_ab) assign_ab_groups(&m.runs);
    return m;
}

}  // namespace wfisbench
