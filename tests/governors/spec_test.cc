// spec_test.cc - scenario and governor spec parsing: defaults, every key, every error.
#include "spec.h"

#include <gtest/gtest.h>

#include <string>

#include "policy/adaptive_policy.h"

namespace wfisvm {
namespace {

ScenarioSpec scenario_ok(const std::string &text) {
    ScenarioSpec s;
    std::string err;
    EXPECT_TRUE(parse_scenario(text, &s, &err)) << text << ": " << err;
    EXPECT_EQ(s.text, text);
    return s;
}

// Expects a rejection whose one-line message names the spec and each `parts`.
void scenario_bad(const std::string &text, std::initializer_list<const char *> parts) {
    ScenarioSpec s;
    std::string err;
    EXPECT_FALSE(parse_scenario(text, &s, &err)) << text;
    EXPECT_NE(err.find("\"" + text + "\""), std::string::npos) << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
    for (const char *p : parts) EXPECT_NE(err.find(p), std::string::npos) << err << " lacks " << p;
}

GovernorSpec governor_ok(const std::string &text) {
    GovernorSpec g;
    std::string err;
    EXPECT_TRUE(parse_governor(text, &g, &err)) << text << ": " << err;
    EXPECT_EQ(g.text, text);
    return g;
}

void governor_bad(const std::string &text, std::initializer_list<const char *> parts) {
    GovernorSpec g;
    std::string err;
    EXPECT_FALSE(parse_governor(text, &g, &err)) << text;
    EXPECT_NE(err.find("\"" + text + "\""), std::string::npos) << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
    for (const char *p : parts) EXPECT_NE(err.find(p), std::string::npos) << err << " lacks " << p;
}

TEST(ScenarioSpec, DefaultsMatchTheHeader) {
    const ScenarioSpec d;
    EXPECT_EQ(scenario_ok("idle").hz, d.hz);
    EXPECT_EQ(d.hz, 1000u);
    EXPECT_EQ(scenario_ok("idle").workload, Workload::kIdle);
    EXPECT_EQ(scenario_ok("tickless").mean_ms, d.mean_ms);
    const ScenarioSpec p = scenario_ok("pingpong");
    EXPECT_EQ(p.rate, d.rate);
    EXPECT_EQ(p.poisson, d.poisson);
    const ScenarioSpec b = scenario_ok("burst");
    EXPECT_EQ(b.len, d.len);
    EXPECT_EQ(b.think_us, d.think_us);
    const ScenarioSpec c = scenario_ok("compute");
    EXPECT_EQ(c.busy, d.busy);
    EXPECT_EQ(c.idle, d.idle);
}

TEST(ScenarioSpec, EveryKeyIsRead) {
    EXPECT_EQ(scenario_ok("idle:hz=250").hz, 250u);
    EXPECT_EQ(scenario_ok("idle:hz=1").hz, 1u);
    EXPECT_EQ(scenario_ok("idle:hz=10000").hz, 10000u);
    EXPECT_EQ(scenario_ok("idle:hz=0100").hz, 100u);  // leading zeros are digits
    const ScenarioSpec t = scenario_ok("tickless:mean_ms=3");
    EXPECT_EQ(t.workload, Workload::kTickless);
    EXPECT_EQ(t.mean_ms, 3u);
    const ScenarioSpec p = scenario_ok("pingpong:rate=500,dist=fixed");
    EXPECT_EQ(p.workload, Workload::kPingpong);
    EXPECT_EQ(p.rate, 500u);
    EXPECT_FALSE(p.poisson);
    EXPECT_TRUE(scenario_ok("pingpong:dist=poisson,rate=7").poisson);
    const ScenarioSpec b = scenario_ok("burst:len=8,think_us=0");
    EXPECT_EQ(b.workload, Workload::kBurst);
    EXPECT_EQ(b.len, 8u);
    EXPECT_EQ(b.think_us, 0u);
    const ScenarioSpec c = scenario_ok("compute:busy=1,idle=0");
    EXPECT_EQ(c.workload, Workload::kCompute);
    EXPECT_EQ(c.busy, 1u);
    EXPECT_EQ(c.idle, 0u);
    EXPECT_EQ(scenario_ok("compute:busy=32,idle=32").idle, 32u);
}

TEST(ScenarioSpec, BadNumbersNameKeyValueAndRange) {
    scenario_bad("idle:hz=0", {"hz=0", "1..10000"});
    scenario_bad("idle:hz=10001", {"hz=10001", "1..10000"});
    scenario_bad("idle:hz=abc", {"hz=abc", "not a number", "1..10000"});
    scenario_bad("idle:hz=-5", {"hz=-5", "1..10000"});
    scenario_bad("idle:hz=+5", {"hz=+5"});
    scenario_bad("idle:hz= 5", {"hz= 5"});
    scenario_bad("idle:hz=1e3", {"hz=1e3"});
    scenario_bad("idle:hz=99999999999999999999999", {"not a number"});
    scenario_bad("tickless:mean_ms=0", {"mean_ms=0", "1..10000"});
    scenario_bad("pingpong:rate=0", {"rate=0", "1..100000"});
    scenario_bad("pingpong:dist=uniform", {"dist=uniform", "poisson", "fixed"});
    scenario_bad("burst:len=0", {"len=0"});
    scenario_bad("burst:think_us=1000001", {"think_us=1000001", "0..1000000"});
    scenario_bad("compute:busy=0", {"busy=0", "1..64"});
    scenario_bad("compute:busy=40,idle=30", {"busy+idle=70", "64"});
}

TEST(ScenarioSpec, BadShapesAreRejected) {
    scenario_bad("", {"missing scenario name"});
    scenario_bad(":hz=5", {"missing scenario name"});
    scenario_bad("idle:", {"nothing after ':'"});
    scenario_bad("idle:hz", {"\"hz\"", "key=value"});
    scenario_bad("idle:hz=", {"\"hz=\"", "key=value"});
    scenario_bad("idle:=5", {"\"=5\""});
    scenario_bad("idle:hz=5,", {"bad item"});
    scenario_bad("idle:hz=5,,hz=6", {"bad item"});
    scenario_bad("idle:hz=5,hz=6", {"\"hz\"", "twice"});
    scenario_bad("idle:foo=1", {"\"foo\"", "accepted: hz"});
    scenario_bad("pingpong:foo=1", {"\"foo\"", "rate", "dist"});
    scenario_bad("compute:hz=1", {"\"hz\"", "busy", "idle"});
    scenario_bad("Idle", {"unknown scenario", "idle, tickless, pingpong, burst, compute"});
    scenario_bad("spin", {"unknown scenario"});
}

TEST(ScenarioSpec, HostTimerModelKeys) {
    const ScenarioSpec d = scenario_ok("idle");
    EXPECT_EQ(d.host_timer.kind, HostTimerKind::kLinux);
    EXPECT_FALSE(d.host_given);
    const ScenarioSpec m = scenario_ok("idle:hz=1000,host=macos");
    EXPECT_EQ(m.host_timer.kind, HostTimerKind::kMacos);
    EXPECT_TRUE(m.host_given);
    EXPECT_EQ(m.host_timer.permille, 125u);
    EXPECT_EQ(m.host_timer.max_us, 1000u);
    EXPECT_EQ(m.host_timer.shape, CoalesceShape::kMax);
    // Every workload accepts them, in any order.
    const ScenarioSpec u = scenario_ok(
        "pingpong:coalesce_shape=uniform,rate=500,host=macos,coalesce_permille=50,coalesce_max_us="
        "300");
    EXPECT_EQ(u.workload, Workload::kPingpong);
    EXPECT_EQ(u.rate, 500u);
    EXPECT_EQ(u.host_timer.shape, CoalesceShape::kUniform);
    EXPECT_EQ(u.host_timer.permille, 50u);
    EXPECT_EQ(u.host_timer.max_us, 300u);
    for (const char *t : {"tickless:host=macos", "burst:host=linux", "compute:host=macos,busy=2"})
        scenario_ok(t);
    // Coalesce keys without host= wait for a global default.
    ScenarioSpec g = scenario_ok("idle:coalesce_permille=200");
    EXPECT_FALSE(g.host_given);
    apply_default_host_timer(&g, HostTimerKind::kMacos);
    EXPECT_EQ(g.host_timer.kind, HostTimerKind::kMacos);
    EXPECT_EQ(g.host_timer.permille, 200u);
    // The window law: its grid step, default 1000 us.
    const ScenarioSpec w = scenario_ok("idle:host=macos,coalesce_shape=window");
    EXPECT_EQ(w.host_timer.shape, CoalesceShape::kWindow);
    EXPECT_EQ(w.host_timer.window_us, 1000u);
    EXPECT_EQ(w.host_timer.grid_phase_ns, 0u) << "drawn per run, not parsed";
    EXPECT_EQ(scenario_ok("tickless:coalesce_window_us=100,host=macos,coalesce_shape=window")
                  .host_timer.window_us,
              100u);
    EXPECT_EQ(scenario_ok("idle:host=macos,coalesce_shape=window,coalesce_window_us=100000")
                  .host_timer.window_us,
              100000u);
    ScenarioSpec keep = scenario_ok("idle:host=linux");
    apply_default_host_timer(&keep, HostTimerKind::kMacos);
    EXPECT_EQ(keep.host_timer.kind, HostTimerKind::kLinux) << "a given host= wins";
}

TEST(ScenarioSpec, HostTimerModelErrors) {
    scenario_bad("idle:host=darwin", {"host=darwin", "linux, macos"});
    scenario_bad("idle:host=macos,coalesce_shape=gauss",
                 {"coalesce_shape=gauss", "max, uniform, window"});
    scenario_bad("idle:host=macos,coalesce_shape=window,coalesce_window_us=99",
                 {"\"idle:host=macos,coalesce_shape=window,coalesce_window_us=99\"",
                  "coalesce_window_us=99", "out of range", "100..100000"});
    scenario_bad("idle:host=macos,coalesce_shape=window,coalesce_window_us=100001",
                 {"coalesce_window_us=100001", "100..100000"});
    scenario_bad("idle:host=macos,coalesce_shape=window,coalesce_window_us=1ms",
                 {"coalesce_window_us=1ms", "not a number"});
    scenario_bad("idle:host=macos,coalesce_window_us=500",
                 {"coalesce_window_us=500", "coalesce_shape=window only"});
    scenario_bad("idle:host=linux,coalesce_shape=window", {"host=linux", "host=macos"});
    scenario_bad("idle:host=macos,coalesce_permille=1001", {"coalesce_permille=1001", "0..1000"});
    scenario_bad("idle:host=macos,coalesce_max_us=x", {"coalesce_max_us=x", "not a number"});
    scenario_bad("idle:host=linux,coalesce_permille=10", {"host=linux", "host=macos"});
    scenario_bad("idle:host=macos,host=linux", {"given twice"});
    // The unknown-key error lists the common keys beside the workload's.
    scenario_bad("idle:hoster=1", {"hoster", "hz", "host", "coalesce_shape"});
    scenario_bad("pingpong:x=1", {"rate", "dist", "coalesce_max_us", "coalesce_window_us"});
}

TEST(ScenarioSpec, CpuHogKeys) {
    EXPECT_EQ(scenario_ok("idle").hog_permille, 0u);
    const ScenarioSpec h = scenario_ok("idle:hz=1000,hog=500");
    EXPECT_EQ(h.hog_permille, 500u);
    EXPECT_EQ(h.hog_period_us, 1000u);
    const ScenarioSpec p = scenario_ok("pingpong:hog_period_us=100,hog=1000");
    EXPECT_EQ(p.hog_permille, 1000u);
    EXPECT_EQ(p.hog_period_us, 100u);
    EXPECT_EQ(scenario_ok("idle:hog=0").hog_permille, 0u);
    scenario_bad("idle:hog=1001", {"\"idle:hog=1001\"", "hog=1001", "0..1000"});
    scenario_bad("idle:hog=half", {"hog=half", "not a number"});
    scenario_bad("idle:hog=10,hog_period_us=99", {"hog_period_us=99", "100..1000000"});
    scenario_bad("idle:hog_period_us=500", {"hog_period_us=500", "hog=1..1000 only"});
    scenario_bad("idle:hog=0,hog_period_us=500", {"hog=1..1000 only"});
    scenario_bad("idle:hogs=1", {"hogs", "hog", "hog_period_us"});
}

TEST(ScenarioSpec, KickPatternKey) {
    EXPECT_EQ(scenario_ok("pingpong").kicks, KickPattern::kVector);
    EXPECT_FALSE(scenario_ok("pingpong").kicks_given);
    const ScenarioSpec q = scenario_ok("pingpong:rate=2000,kicks=qemu");
    EXPECT_EQ(q.kicks, KickPattern::kQemu);
    EXPECT_TRUE(q.kicks_given);
    EXPECT_EQ(scenario_ok("idle:kicks=vector,host=macos").kicks, KickPattern::kVector);
    scenario_bad("pingpong:kicks=ipi", {"kicks=ipi", "vector", "qemu"});
    scenario_bad("burst:kick=qemu", {"kick", "kicks"});
}

TEST(ScenarioSpec, TickKeysOfPingpongAndCompute) {
    EXPECT_EQ(scenario_ok("pingpong").tick_hz, 0u);
    EXPECT_EQ(scenario_ok("pingpong:rate=2000,hz=250").tick_hz, 250u);
    EXPECT_EQ(scenario_ok("compute").idle_hz, 1000u);
    const ScenarioSpec c = scenario_ok("compute:busy=1,idle=3,idle_hz=0");
    EXPECT_EQ(c.idle_hz, 0u);
    EXPECT_EQ(c.idle, 3u);
    scenario_bad("pingpong:hz=10001", {"hz=10001", "0..10000"});
    scenario_bad("compute:idle_hz=x", {"idle_hz=x", "not a number"});
    scenario_bad("idle:idle_hz=0", {"idle_hz", "hz"});
}

TEST(ScenarioSpec, NullErrorIsAllowed) {
    ScenarioSpec s;
    EXPECT_FALSE(parse_scenario("idle:hz=0", &s, nullptr));
    EXPECT_TRUE(parse_scenario("idle:hz=5", &s, nullptr));
    EXPECT_EQ(s.hz, 5u);
}

// The vars must be what the library accepts and selects the right policy.
std::string library_policy(const GovernorSpec &g) {
    std::vector<std::string> lines;
    for (const auto &[k, v] : g.vars) lines.push_back(k + "=" + v);
    std::vector<const char *> argv;
    for (const auto &l : lines) argv.push_back(l.c_str());
    argv.push_back(nullptr);
    wfisleep_config *cfg = nullptr;
    char err[256] = "";
    wfisleep_set_log([](void *, const char *) {}, nullptr);  // the policies' announcement lines
    const int rc = wfisleep_config_parse(&cfg, argv.data(), err, sizeof err);
    wfisleep_set_log(nullptr, nullptr);
    EXPECT_EQ(rc, 0) << err;
    std::string policy = cfg ? wfisleep_config_policy(cfg) : "";
    wfisleep_config_free(cfg);
    return policy;
}

TEST(GovernorSpec, LibraryPoliciesMapToConfigVars) {
    const GovernorSpec off = governor_ok("off");
    EXPECT_EQ(off.kind, GovernorKind::kOff);
    EXPECT_EQ(off.vars.at("WFISLEEP_POLICY"), "off");
    EXPECT_EQ(library_policy(off), "off");

    const GovernorSpec seed = governor_ok("seed");
    EXPECT_EQ(seed.kind, GovernorKind::kSeed);
    EXPECT_EQ(seed.vars.at("WFISLEEP_POLICY"), "seed");
    EXPECT_EQ(seed.vars.at("HVF_WFI_SLEEP"), "100");
    EXPECT_EQ(seed.vars.at("WFISLEEP_BOOT_GRACE_MS"), "0");  // the bench's default grace
    EXPECT_EQ(seed.vars.at("WFISLEEP_SEED_STRICT"), "0");
    EXPECT_EQ(library_policy(seed), "seed");

    const GovernorSpec s2 = governor_ok("seed:max_us=0050,grace_ms=1500,strict=1");
    EXPECT_EQ(s2.vars.at("HVF_WFI_SLEEP"), "50");
    EXPECT_EQ(s2.vars.at("WFISLEEP_BOOT_GRACE_MS"), "1500");
    EXPECT_EQ(s2.vars.at("WFISLEEP_SEED_STRICT"), "1");
    EXPECT_EQ(library_policy(s2), "seed");
    EXPECT_EQ(governor_ok("seed:max_us=10000").vars.at("HVF_WFI_SLEEP"), "10000");
    EXPECT_EQ(governor_ok("seed:max_us=1").vars.at("HVF_WFI_SLEEP"), "1");

    const GovernorSpec ad = governor_ok("adaptive");
    EXPECT_EQ(ad.kind, GovernorKind::kAdaptive);
    EXPECT_EQ(ad.vars.size(), 1u);
    EXPECT_EQ(library_policy(ad), "adaptive");
}

TEST(GovernorSpec, LibraryPoliciesTakeTrapBegin) {
    EXPECT_TRUE(governor_ok("adaptive").trap_begin);
    EXPECT_FALSE(governor_ok("adaptive:trap_begin=0").trap_begin);
    EXPECT_FALSE(governor_ok("off:trap_begin=0").trap_begin);
    EXPECT_FALSE(governor_ok("seed:max_us=100,trap_begin=0").trap_begin);
    const GovernorSpec a = governor_ok("adaptive:trap_begin=1,poll_max_ns=50000");
    EXPECT_TRUE(a.trap_begin);
    EXPECT_EQ(a.vars.count("trap_begin"), 0u) << "not a library variable";
    governor_bad("adaptive:trap_begin=2", {"trap_begin=2", "0..1"});
    governor_bad("off:trap_begin=yes", {"trap_begin=yes", "not a number"});
    governor_bad("off:poll=1", {"poll", "trap_begin"});
    governor_bad("adaptive:nope=1", {"nope", "trap_begin"});
    // A model's stale-kick behaviour is its counterpart's, not a key.
    governor_bad("qemu10:trap_begin=0", {"trap_begin"});
}

TEST(GovernorSpec, EveryGovernorTakesSlackNs) {
    for (const char *name :
         {"off", "seed", "adaptive", "deadline", "qemu10", "qemu11", "kvm-haltpoll"}) {
        EXPECT_EQ(governor_ok(name).slack_ns, 1u) << name;
        EXPECT_EQ(governor_ok(std::string(name) + ":slack_ns=50000").slack_ns, 50000u) << name;
        governor_bad(std::string(name) + ":slack_ns=0", {"slack_ns=0", "1..1000000000"});
        governor_bad(std::string(name) + ":bogus=1", {"bogus", "slack_ns"});
    }
    EXPECT_EQ(governor_ok("deadline+spin:us=5,slack_ns=50000").slack_ns, 50000u);
    governor_bad("deadline+spin:us=5,bogus=1", {"bogus", "us, slack_ns"});
    EXPECT_EQ(governor_ok("kvm-haltpoll:poll_ns=0,slack_ns=7").halt_poll_ns, 0u);
}

TEST(GovernorSpec, SeedErrors) {
    governor_bad("seed:max_us=0", {"max_us=0", "1..10000"});
    governor_bad("seed:max_us=10001", {"max_us=10001", "1..10000"});
    governor_bad("seed:grace_ms=600001", {"grace_ms=600001", "0..600000"});
    governor_bad("seed:strict=2", {"strict=2", "0..1"});
    governor_bad("seed:strict=yes", {"strict=yes", "not a number"});
    governor_bad("seed:max=100", {"\"max\"", "max_us, grace_ms, strict"});
}

TEST(GovernorSpec, EveryAdaptiveTunableIsAKey) {
    const wfisleep::AdaptiveParams defaults;
    ASSERT_FALSE(wfisleep::adaptive_tunables().empty());
    for (const auto &t : wfisleep::adaptive_tunables()) {
        std::string name(t.name);
        ASSERT_EQ(name.rfind("WFISLEEP_ADAPTIVE_", 0), 0u) << name;
        std::string key = name.substr(18);
        for (char &c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        // The default value is always accepted and lands in vars under the full name.
        const std::string v = std::to_string(defaults.*(t.field));
        const GovernorSpec g = governor_ok("adaptive:" + key + "=" + v);
        EXPECT_EQ(g.vars.at(name), v);
        EXPECT_EQ(library_policy(g), "adaptive");
        // One past either bound is rejected with the range.
        const std::string range = std::to_string(t.min) + ".." + std::to_string(t.max);
        if (t.max < UINT64_MAX / 10) {
            governor_bad("adaptive:" + key + "=" + std::to_string(t.max + 1), {range.c_str()});
        }
        if (t.min > 0) {
            governor_bad("adaptive:" + key + "=" + std::to_string(t.min - 1), {range.c_str()});
        }
        // Upper case is not the key.
        std::string upper = key;
        for (char &c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        governor_bad("adaptive:" + upper + "=" + v, {"unknown key"});
    }
}

TEST(GovernorSpec, AdaptiveCrossFieldRulesAreTheLibrarys) {
    // A combination each key accepts alone but the library refuses together.
    wfisleep::AdaptiveParams p;
    p.poll_min_ns = p.poll_max_ns + 1;
    p.poll_init_ns = p.poll_min_ns;
    const char *why = wfisleep::adaptive_params_error(p);
    ASSERT_NE(why, nullptr);
    governor_bad("adaptive:poll_min_ns=" + std::to_string(p.poll_min_ns) +
                     ",poll_init_ns=" + std::to_string(p.poll_init_ns),
                 {why});
    governor_bad("adaptive:poll_nope=1", {"unknown key", "poll_max_ns"});
}

TEST(GovernorSpec, ModelsTakeNoLibraryVars) {
    EXPECT_EQ(governor_ok("deadline").kind, GovernorKind::kDeadline);
    EXPECT_EQ(governor_ok("qemu10").kind, GovernorKind::kQemu10);
    EXPECT_EQ(governor_ok("qemu11").kind, GovernorKind::kQemu11);
    EXPECT_TRUE(governor_ok("qemu11").vars.empty());
    EXPECT_FALSE(governor_ok("qemu11").qemu11_ppoll);  // QEMU without ppoll(), as on macOS
    EXPECT_TRUE(governor_ok("qemu11:ppoll=1").qemu11_ppoll);
    EXPECT_FALSE(governor_ok("qemu11:ppoll=0").qemu11_ppoll);
    governor_bad("qemu11:ppoll=2", {"ppoll", "0..1"});
    governor_bad("qemu11:ppoll=yes", {"ppoll", "not a number"});
    governor_bad("qemu11:poll=1", {"\"poll\"", "ppoll, slack_ns"});
    governor_bad("deadline:x=1", {"\"x\"", "slack_ns"});
    governor_bad("qemu10:min_ms=1", {"min_ms", "slack_ns"});
    governor_bad("off:x=1", {"\"x\"", "trap_begin"});
}

TEST(GovernorSpec, KvmHaltpollDefaultsAndKeys) {
    const GovernorSpec d = governor_ok("kvm-haltpoll");
    EXPECT_EQ(d.kind, GovernorKind::kKvmHaltpoll);
    EXPECT_EQ(d.halt_poll_ns, 200000u);  // x86 module defaults (Linux virt/kvm/kvm_main.c)
    EXPECT_EQ(d.halt_poll_grow, 2u);
    EXPECT_EQ(d.halt_poll_grow_start, 10000u);
    EXPECT_EQ(d.halt_poll_shrink, 0u);
    EXPECT_TRUE(d.vars.empty());
    const GovernorSpec g =
        governor_ok("kvm-haltpoll:poll_ns=500000,grow=4,grow_start=5000,shrink=2");
    EXPECT_EQ(g.halt_poll_ns, 500000u);
    EXPECT_EQ(g.halt_poll_grow, 4u);
    EXPECT_EQ(g.halt_poll_grow_start, 5000u);
    EXPECT_EQ(g.halt_poll_shrink, 2u);
    EXPECT_EQ(governor_ok("kvm-haltpoll:poll_ns=0").halt_poll_ns, 0u);
    governor_bad("kvm-haltpoll:poll_ns=10000001", {"poll_ns=10000001", "0..10000000"});
    governor_bad("kvm-haltpoll:grow=65", {"grow=65", "0..64"});
    governor_bad("kvm-haltpoll:window=5", {"\"window\"", "poll_ns, grow, grow_start, shrink"});
}

TEST(GovernorSpec, DeadlineSpinTakesARequiredMarginInMicroseconds) {
    const GovernorSpec g = governor_ok("deadline+spin:us=40");
    EXPECT_EQ(g.kind, GovernorKind::kDeadlineSpin);
    EXPECT_EQ(g.spin_us, 40u);
    EXPECT_TRUE(g.vars.empty());
    EXPECT_EQ(governor_ok("deadline+spin:us=0").spin_us, 0u);
    EXPECT_EQ(governor_ok("deadline+spin:us=100000").spin_us, 100000u);
    governor_bad("deadline+spin:us=100001",
                 {"\"deadline+spin:us=100001\"", "us=100001", "out of range", "0..100000"});
    governor_bad("deadline+spin:us=-1", {"us=-1", "not a number", "0..100000"});
    governor_bad("deadline+spin:us=match", {"us=match", "not a number", "0..100000"});
    governor_bad("deadline+spin", {"missing key \"us\"", "us=0..100000"});
    governor_bad("deadline+spin:slack_ns=5", {"missing key \"us\"", "us=0..100000"});
    governor_bad("deadline+spin:ns=5", {"\"ns\"", "us, slack_ns"});
}

TEST(GovernorSpec, UnknownNamesListTheAccepted) {
    governor_bad("", {"missing governor name"});
    governor_bad("haltpoll", {"unknown governor",
                              "off, seed, adaptive, deadline, deadline+spin, "
                              "qemu10, qemu11, kvm-haltpoll"});
    governor_bad("seed:", {"nothing after ':'"});
    GovernorSpec g;
    EXPECT_FALSE(parse_governor("nope", &g, nullptr));
}

TEST(SpecHelp, ListsEveryNameAndKey) {
    const std::string h = spec_help();
    for (const char *s :
         {"idle",         "tickless", "pingpong",   "burst",   "compute",   "hz",
          "mean_ms",      "rate",     "dist",       "poisson", "fixed",     "len",
          "think_us",     "busy",     "off",        "seed",    "max_us",    "grace_ms",
          "strict",       "adaptive", "deadline",   "qemu10",  "qemu11",    "ppoll",
          "kvm-haltpoll", "poll_ns",  "grow_start", "shrink",  "default 0", "deadline+spin:us=N"}) {
        EXPECT_NE(h.find(s), std::string::npos) << s;
    }
    for (const auto &t : wfisleep::adaptive_tunables()) {
        std::string key = std::string(t.name).substr(18);
        for (char &c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        EXPECT_NE(h.find(key), std::string::npos) << key;
    }
    // The spec examples of the bench issue parse.
    ScenarioSpec s;
    GovernorSpec g;
    for (const char *t : {"idle:hz=1000", "tickless:mean_ms=10", "pingpong:rate=2000,dist=poisson",
                          "pingpong:rate=2000,dist=fixed", "burst:len=64,think_us=200",
                          "compute:busy=1,idle=3", "compute:busy=1,idle=0"}) {
        EXPECT_TRUE(parse_scenario(t, &s, nullptr)) << t;
    }
    for (const char *t :
         {"off", "seed:max_us=100", "seed:max_us=100,grace_ms=0,strict=1", "adaptive", "deadline",
          "deadline+spin:us=40", "qemu10", "qemu11", "kvm-haltpoll"}) {
        EXPECT_TRUE(parse_governor(t, &g, nullptr)) << t;
    }
}

}  // namespace
}  // namespace wfisvm
