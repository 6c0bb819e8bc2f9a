// spin_match_test.cc - deadline+spin:us=match: it runs after adaptive in every block and scenario,
// and takes adaptive's poll + spin per timer interrupt from that block's run.
#include "spin_match.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "bench_json.h"
#include "matrix.h"
#include "options.h"

using namespace wfisbench;

namespace {

HostFacts kvm_host() {
    HostFacts h;
    h.kvm = h.vm = h.guest = true;
    return h;
}

RunResult adaptive_run(const RunPlan &plan, uint64_t poll_spin_ns, uint64_t timer_irqs) {
    RunResult r;
    r.plan = plan;
    r.ok = true;
    r.governor_poll_spin_ns = poll_spin_ns;
    r.timer_irqs_taken = timer_irqs;
    return r;
}

}  // namespace

TEST(SpinMatch, RecognisesAndSubstitutesTheMatchItem) {
    EXPECT_TRUE(is_spin_match_row("deadline+spin:us=match"));
    EXPECT_TRUE(is_spin_match_row("deadline+spin:slack_ns=50,us=match"));
    EXPECT_FALSE(is_spin_match_row("deadline+spin:us=40"));
    EXPECT_FALSE(is_spin_match_row("deadline"));
    EXPECT_FALSE(is_spin_match_row("adaptive:us=match"));
    EXPECT_FALSE(is_spin_match_row("deadline+spin:us=matches"));
    EXPECT_FALSE(is_spin_match_row("deadline+spin:us=match,bogus=1"));
    EXPECT_EQ(spin_match_governor("deadline+spin:us=match", 37), "deadline+spin:us=37");
    EXPECT_EQ(spin_match_governor("deadline+spin:us=match,slack_ns=5", 0),
              "deadline+spin:us=0,slack_ns=5");
    EXPECT_EQ(spin_match_governor("deadline", 5), "deadline");
}

TEST(SpinMatch, ThePartnerIsAdaptiveOrTheFirstAdaptiveSpec) {
    EXPECT_EQ(spin_match_partner({"adaptive:poll_max_ns=0", "adaptive", "deadline"}), "adaptive");
    EXPECT_EQ(spin_match_partner({"deadline", "adaptive:poll_max_ns=0"}), "adaptive:poll_max_ns=0");
    EXPECT_EQ(spin_match_partner({"deadline", "off"}), "");
}

TEST(SpinMatch, AIsPollPlusSpinPerTimerInterruptRoundedToWholeMicroseconds) {
    RunPlan p;
    EXPECT_EQ(spin_match_us(adaptive_run(p, 40'000'000, 1000)), 40u);  // 40 us each
    EXPECT_EQ(spin_match_us(adaptive_run(p, 2'500'000, 1000)), 3u);    // 2.5 -> 3
    EXPECT_EQ(spin_match_us(adaptive_run(p, 2'499'000, 1000)), 2u);
    EXPECT_EQ(spin_match_us(adaptive_run(p, 0, 1000)), 0u);
    EXPECT_EQ(spin_match_us(adaptive_run(p, 5'000'000, 0)), 0u) << "no interrupt: unknown";
    RunResult failed = adaptive_run(p, 40'000'000, 1000);
    failed.ok = false;
    EXPECT_EQ(spin_match_us(failed), 0u);
    RunResult no_figures;
    no_figures.ok = true;
    EXPECT_EQ(spin_match_us(no_figures), 0u);
}

TEST(SpinMatch, EveryBlockRunsAdaptiveBeforeTheMatchRowOnEachScenario) {
    Options o;
    o.scenarios = {"idle:hz=1000", "tickless:mean_ms=3", "idle:hz=100"};
    o.governors = {"deadline+spin:us=match", "off", "adaptive", "deadline", "qemu10"};
    o.repeat = 12;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        o.seed = seed;
        const Matrix m = build_matrix(o, kvm_host());
        ASSERT_EQ(m.runs.size(), 3u * 5u * 12u);
        std::set<std::pair<int, std::string>> adaptive_done;
        std::map<int, std::set<std::string>> pairs;
        for (const RunPlan &p : m.runs) {
            pairs[p.repeat].insert(p.scenario + "|" + p.governor);
            if (p.governor == "adaptive") adaptive_done.insert({p.repeat, p.scenario});
            if (p.governor == "deadline+spin:us=match") {
                EXPECT_TRUE(adaptive_done.count({p.repeat, p.scenario}))
                    << "seed " << seed << " block " << p.repeat << " " << p.scenario;
            }
        }
        for (const auto &[block, set] : pairs) EXPECT_EQ(set.size(), 15u) << "still every pair";
    }
}

TEST(SpinMatch, TheMatchRowRunsWithItsBlocksAdaptiveFigure) {
    Options o;
    o.scenarios = {"idle:hz=1000", "tickless:mean_ms=3"};
    o.governors = {"adaptive", "deadline+spin:us=match", "deadline"};
    o.repeat = 3;
    o.seed = 5;
    const Matrix m = build_matrix(o, kvm_host());
    SpinMatcher sm(o.governors);
    // Synthetic adaptive results: block b, scenario s -> (10 b + s + 1) us per interrupt.
    auto want = [&](const RunPlan &p) -> uint64_t {
        const uint64_t s = p.scenario == o.scenarios[0] ? 0 : 1;
        return 10 * static_cast<uint64_t>(p.repeat) + s + 1;
    };
    std::vector<RunResult> done;
    for (const RunPlan &planned : m.runs) {
        const RunPlan p = sm.prepare(planned);
        RunResult r;
        r.plan = p;
        r.ok = true;
        if (p.governor == "adaptive") {
            r = adaptive_run(p, want(p) * 1000 * 500, 500);
        } else if (p.governor == "deadline+spin:us=match") {
            ASSERT_TRUE(p.spin_match_us.has_value());
            EXPECT_EQ(*p.spin_match_us, want(p)) << p.scenario << " block " << p.repeat;
            EXPECT_EQ(p.vm_governor, "deadline+spin:us=" + std::to_string(want(p)));
        } else {
            EXPECT_FALSE(p.spin_match_us.has_value());
            EXPECT_EQ(p.vm_governor, p.governor);
        }
        sm.record(r);
        done.push_back(r);
    }
    const std::string note = sm.note();
    EXPECT_NE(note.find("'adaptive'"), std::string::npos) << note;
    EXPECT_NE(note.find("idle:hz=1000: 1 11 21"), std::string::npos) << note;
    EXPECT_NE(note.find("tickless:mean_ms=3: 2 12 22"), std::string::npos) << note;
    // The A used is in the run's JSON.
    for (const RunResult &r : done) {
        const nlohmann::json j = run_json(r);
        if (r.plan.governor == "deadline+spin:us=match") {
            EXPECT_EQ(j.at("spin_match_us").get<uint64_t>(), want(r.plan));
            EXPECT_EQ(j.at("vm_governor"), "deadline+spin:us=" + std::to_string(want(r.plan)));
        } else {
            EXPECT_FALSE(j.contains("spin_match_us"));
        }
    }
}

TEST(SpinMatch, WithoutAnAdaptiveRowTheSpinIsZero) {
    SpinMatcher sm({"deadline+spin:us=match", "deadline"});
    RunPlan p;
    p.scenario = "idle:hz=1000";
    p.governor = p.vm_governor = "deadline+spin:us=match";
    const RunPlan q = sm.prepare(p);
    EXPECT_EQ(q.vm_governor, "deadline+spin:us=0");
    EXPECT_EQ(q.spin_match_us, 0u);
}

TEST(SpinMatch, TheBenchAcceptsTheMatchRowAndOnlyThatWord) {
    auto parse = [](std::vector<std::string> args, Options *o) {
        args.insert(args.begin(), "wfisleep-bench");
        std::vector<const char *> argv;
        for (const auto &a : args) argv.push_back(a.c_str());
        return parse_options(static_cast<int>(argv.size()), argv.data(), o);
    };
    Options o;
    EXPECT_EQ(parse({"--governor", "adaptive", "--governor", "deadline+spin:us=match", "--scenario",
                     "idle:hz=100"},
                    &o)
                  .exit_code,
              -1);
    Options bad;
    const ParseOutcome out = parse({"--governor", "deadline+spin:us=most"}, &bad);
    EXPECT_EQ(out.exit_code, 2);
    EXPECT_NE(out.message.find("us=most"), std::string::npos) << out.message;
    EXPECT_NE(out.message.find("0..100000"), std::string::npos) << out.message;
}

TEST(SpinMatch, TheCpuMatchItemIsRecognisedAndNamesItsMatchRow) {
    EXPECT_TRUE(is_spin_match_row("deadline+spin:us=cpumatch"));
    EXPECT_TRUE(is_cpu_match_row("deadline+spin:us=cpumatch"));
    EXPECT_TRUE(is_cpu_match_row("deadline+spin:slack_ns=50,us=cpumatch"));
    EXPECT_FALSE(is_cpu_match_row("deadline+spin:us=match"));
    EXPECT_FALSE(is_cpu_match_row("deadline+spin:us=cpumatches"));
    EXPECT_FALSE(is_spin_match_row("adaptive:us=cpumatch"));
    EXPECT_EQ(spin_match_governor("deadline+spin:us=cpumatch,slack_ns=5", 12),
              "deadline+spin:us=12,slack_ns=5");
    EXPECT_EQ(cpu_match_partner("deadline+spin:slack_ns=5,us=cpumatch"),
              "deadline+spin:slack_ns=5,us=match");
}

TEST(SpinMatch, CpuMatchScalesAByTheShortfallWithinItsClamp) {
    // us=match ran with 20 us and spun 15 per interrupt; adaptive spun 20.
    EXPECT_EQ(cpu_match_us(20.0, 20, 15.0), 27u);  // 26.7
    // It spun more than adaptive: A goes down.
    EXPECT_EQ(cpu_match_us(10.0, 12, 15.0), 8u);
    // Already matched: A stays.
    EXPECT_EQ(cpu_match_us(7.0, 7, 7.0), 7u);
    // The factor stays within 1/4 .. 4, however far the us=match run fell
    // short (or spun nothing) or overshot.
    EXPECT_EQ(cpu_match_us(100.0, 10, 1.0), 40u);
    EXPECT_EQ(cpu_match_us(30.0, 10, 0.0), 40u);
    EXPECT_EQ(cpu_match_us(1.0, 20, 30.0), 5u);
    // Adaptive spun under half a us: us=match ran with 0, and so does this.
    EXPECT_EQ(cpu_match_us(0.4, 0, 0.0), 0u);
}

TEST(SpinMatch, EveryBlockRunsAdaptiveThenMatchThenCpuMatchAndKeepsTheOthersInPlace) {
    Options o;
    o.scenarios = {"idle:hz=1000", "idle:hz=250"};
    o.governors = {"deadline+spin:us=cpumatch", "off", "deadline+spin:us=match", "adaptive",
                   "deadline"};
    o.repeat = 10;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        o.seed = seed;
        const Matrix m = build_matrix(o, kvm_host());
        ASSERT_EQ(m.runs.size(), 2u * 5u * 10u);
        std::map<std::pair<int, std::string>, int> stage;  // 0 none, 1 adaptive, 2 match
        for (const RunPlan &p : m.runs) {
            int &s = stage[{p.repeat, p.scenario}];
            if (p.governor == "adaptive") {
                EXPECT_EQ(s, 0);
                s = 1;
            } else if (p.governor == "deadline+spin:us=match") {
                EXPECT_EQ(s, 1) << "seed " << seed << " block " << p.repeat << " " << p.scenario;
                s = 2;
            } else if (p.governor == "deadline+spin:us=cpumatch") {
                EXPECT_EQ(s, 2) << "seed " << seed << " block " << p.repeat << " " << p.scenario;
            }
        }
    }
    // The runs outside the chain keep the places the permutation gave them.
    std::vector<RunPlan> b;
    for (const char *g :
         {"deadline+spin:us=cpumatch", "off", "deadline+spin:us=match", "deadline", "adaptive"}) {
        RunPlan p;
        p.scenario = "idle:hz=250";
        p.governor = g;
        b.push_back(p);
    }
    order_spin_match_after_partner(&b, "adaptive");
    std::vector<std::string> got;
    for (const auto &p : b) got.push_back(p.governor);
    EXPECT_EQ(got, (std::vector<std::string>{"adaptive", "off", "deadline+spin:us=match",
                                             "deadline", "deadline+spin:us=cpumatch"}));
}

TEST(SpinMatch, TheCpuMatchRowCorrectsTheMatchRowsAByItsMeasuredSpin) {
    SpinMatcher sm({"adaptive", "deadline+spin:us=match", "deadline+spin:us=cpumatch"});
    auto plan = [](const char *g, int block) {
        RunPlan p;
        p.scenario = "idle:hz=250";
        p.governor = p.vm_governor = g;
        p.repeat = block;
        return p;
    };
    // Block 0: adaptive 20 us per interrupt; us=match ran with 20 and spun 15.
    sm.record(adaptive_run(sm.prepare(plan("adaptive", 0)), 20'000'000, 1000));
    const RunPlan m0 = sm.prepare(plan("deadline+spin:us=match", 0));
    EXPECT_EQ(m0.spin_match_us, 20u);
    sm.record(adaptive_run(m0, 15'000'000, 1000));
    const RunPlan c0 = sm.prepare(plan("deadline+spin:us=cpumatch", 0));
    EXPECT_EQ(c0.spin_match_us, 27u);
    EXPECT_EQ(c0.vm_governor, "deadline+spin:us=27");
    sm.record(adaptive_run(c0, 19'000'000, 1000));  // reached 0.95 of adaptive
    // Block 1: the us=match run failed: the us=match rule (adaptive's 8 us).
    sm.record(adaptive_run(sm.prepare(plan("adaptive", 1)), 8'000'000, 1000));
    RunResult failed = adaptive_run(sm.prepare(plan("deadline+spin:us=match", 1)), 0, 1000);
    failed.ok = false;
    sm.record(failed);
    const RunPlan c1 = sm.prepare(plan("deadline+spin:us=cpumatch", 1));
    EXPECT_EQ(c1.spin_match_us, 8u);
    sm.record(adaptive_run(c1, 8'000'000, 1000));
    const std::string note = sm.note();
    EXPECT_NE(note.find("idle:hz=250: 20 8"), std::string::npos) << note;
    EXPECT_NE(note.find("idle:hz=250: 27 (0.95) 8 (1.00)"), std::string::npos) << note;
    EXPECT_NE(note.find("within 1/4..4"), std::string::npos) << note;
}
