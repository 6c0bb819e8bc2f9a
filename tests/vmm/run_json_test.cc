// run_json_test.cc - the run result JSON (docs/vmm-cli.md) round-trips, nulls included, and bad
// JSON is an error.
#include <gtest/gtest.h>

#include "run.h"

namespace wfisvm {
namespace {

TEST(RunJson, RoundTrips) {
    RunResult r;
    r.backend = "kvm";
    r.scenario = "idle:hz=1000";
    r.governor = "adaptive";
    r.vcpus = 2;
    r.seconds = 1.5;
    r.wall_s = 1.7;
    r.ok = true;
    r.host_cpu_pct = 5.5;
    r.vcpu_cpu_pct = {2.0, std::nullopt};
    r.wakeups_per_s = 1000;
    LatencyUs lat;
    lat.p50 = 8;
    lat.p99 = 20;
    lat.max = 41;
    lat.count = 1500;
    lat.over = {0.5, 0.1, 0, 0, 0};
    lat.missed = 3;
    r.timer_lateness_us = lat;
    r.workload_s = 1.25;
    r.workload_cpu_pct = 4.5;
    r.kvm_halt_poll_ns = 1234;
    r.lost_interrupts = 0;
    r.exits = 3012;
    r.idle_traps = 3000;
    r.timer_irqs = IrqCounts{3000, 3000};
    r.guest_timer = "pv";
    r.guest_tsc_khz = 2400000;
    wfisleep_stats s{};
    s.idle_calls = 7;
    s.sleep_ns = 99;
    s.preempted_ns = 31000;
    s.stale_kicks = 3;
    s.advance_ns = 12000;
    s.unconfirmed_gap_ns = 45000;
    s.advance_classes = 13;
    for (uint32_t c = 0; c < 13; ++c) s.class_advance_ns[c] = 1000 + c;
    r.governor_stats = {s, s};
    std::string j = run_result_json(r);
    EXPECT_NE(j.find("\"status\":\"ok\""), std::string::npos);
    EXPECT_NE(j.find("\"error\":null"), std::string::npos);
    EXPECT_NE(j.find("\"wake_latency_us\":null"), std::string::npos);
    EXPECT_NE(j.find("\"work_rate\":null"), std::string::npos);
    RunResult b;
    std::string err;
    ASSERT_TRUE(parse_run_result_json(j, &b, &err)) << err;
    EXPECT_EQ(b.backend, "kvm");
    EXPECT_EQ(b.vcpus, 2u);
    EXPECT_TRUE(b.ok);
    EXPECT_EQ(b.vcpu_cpu_pct.size(), 2u);
    EXPECT_FALSE(b.vcpu_cpu_pct[1].has_value());
    EXPECT_EQ(b.timer_lateness_us->p99.value_or(-1), 20);
    EXPECT_FALSE(b.timer_lateness_us->p999.has_value());  // null in, null out
    EXPECT_NE(j.find("\"p99_9\":null"), std::string::npos);
    EXPECT_NE(j.find("\"over_us\":{\"100\":0.1,\"1000\":0.0,\"250\":0.0,\"50\":0.5,\"500\":0.0}"),
              std::string::npos);
    EXPECT_EQ(b.timer_lateness_us->count, 1500u);
    EXPECT_EQ(b.timer_lateness_us->missed, 3u);
    EXPECT_DOUBLE_EQ(b.timer_lateness_us->over[1], 0.1);
    EXPECT_DOUBLE_EQ(b.workload_cpu_pct.value_or(-1), 4.5);
    EXPECT_FALSE(b.governor_cpu_pct.has_value());
    EXPECT_EQ(b.kvm_halt_poll_ns.value_or(0), 1234u);
    EXPECT_FALSE(b.wake_latency_us.has_value());
    EXPECT_FALSE(b.device_irqs.has_value());
    EXPECT_EQ(b.timer_irqs->handled, 3000u);
    EXPECT_EQ(b.governor_stats.size(), 2u);
    EXPECT_EQ(b.governor_stats[1].sleep_ns, 99u);
    EXPECT_EQ(b.governor_stats[1].preempted_ns, 31000u);  // the 0.2 counters round-trip
    EXPECT_EQ(b.governor_stats[1].stale_kicks, 3u);
    EXPECT_EQ(b.governor_stats[1].advance_ns, 12000u);
    EXPECT_EQ(b.governor_stats[1].unconfirmed_gap_ns, 45000u);  // and the adaptive v3 ones
    EXPECT_EQ(b.governor_stats[1].advance_classes, 13u);
    EXPECT_EQ(b.governor_stats[1].class_advance_ns[12], 1012u);
    EXPECT_NE(j.find("\"class_advance_ns\":[1000,1001,"), std::string::npos);
    EXPECT_EQ(*b.guest_tsc_khz, 2400000u);
}

// The governors' return lateness round-trips; JSON from an older VMM (no
// such keys) and in-kernel runs (null) read as absent.
TEST(RunJson, GovernorReturnLatenessRoundTripsAndMayBeAbsent) {
    RunResult r;
    r.backend = "kvm";
    r.ok = true;
    LatencyUs lat;
    lat.p50 = 3.5;
    lat.p99 = 60;
    lat.max = 80;
    lat.count = 2000;
    r.governor_return_late_us = lat;
    r.governor_return_early = 17;
    std::string j = run_result_json(r);
    EXPECT_NE(j.find("\"governor_return_early\":17"), std::string::npos) << j;
    RunResult b;
    std::string err;
    ASSERT_TRUE(parse_run_result_json(j, &b, &err)) << err;
    ASSERT_TRUE(b.governor_return_late_us.has_value());
    EXPECT_DOUBLE_EQ(b.governor_return_late_us->p50.value_or(-1), 3.5);
    EXPECT_DOUBLE_EQ(b.governor_return_late_us->p99.value_or(-1), 60);
    EXPECT_EQ(b.governor_return_late_us->count, 2000u);
    EXPECT_EQ(b.governor_return_early.value_or(0), 17u);

    RunResult none;
    none.backend = "inkernel";
    none.ok = true;
    j = run_result_json(none);
    EXPECT_NE(j.find("\"governor_return_late_us\":null"), std::string::npos) << j;
    EXPECT_NE(j.find("\"governor_return_early\":null"), std::string::npos) << j;
    ASSERT_TRUE(parse_run_result_json(j, &b, &err)) << err;
    EXPECT_FALSE(b.governor_return_late_us.has_value());
    EXPECT_FALSE(b.governor_return_early.has_value());
    // An older writer had neither key (the keys are sorted, so neither is first).
    for (const char *key : {",\"governor_return_early\":null", ",\"governor_return_late_us\":null"})
        j.erase(j.find(key), std::string(key).size());
    ASSERT_EQ(j.find("governor_return"), std::string::npos) << j;
    ASSERT_TRUE(parse_run_result_json(j, &b, &err)) << err;
    EXPECT_FALSE(b.governor_return_late_us.has_value());
    EXPECT_FALSE(b.governor_return_early.has_value());
}

TEST(RunJson, AbInfoRoundTripsAndIsNullInOneGovernorRuns) {
    RunResult r;
    r.backend = "kvm";
    r.scenario = "idle:hz=1000";
    r.governor = "qemu11";
    r.ok = true;
    std::string one = run_result_json(r);
    EXPECT_NE(one.find("\"ab\":null"), std::string::npos) << one;
    RunResult back;
    std::string err;
    ASSERT_TRUE(parse_run_result_json(one, &back, &err)) << err;
    EXPECT_FALSE(back.ab.has_value());

    r.ab = AbInfo{250, 50, 6, 1.2, 345678, {"adaptive", "qemu11"}};
    ASSERT_TRUE(parse_run_result_json(run_result_json(r), &back, &err)) << err;
    ASSERT_TRUE(back.ab.has_value());
    EXPECT_EQ(back.ab->segment_ms, 250u);
    EXPECT_EQ(back.ab->settle_ms, 50u);
    EXPECT_EQ(back.ab->segments, 6u);
    EXPECT_DOUBLE_EQ(back.ab->counted_s, 1.2);
    EXPECT_EQ(back.ab->poll_spin_ns, 345678u);
    EXPECT_EQ(back.ab->governors, (std::vector<std::string>{"adaptive", "qemu11"}));
}

TEST(RunJson, ErrorsAndUntrustedText) {
    RunResult r;
    r.backend = "simulated";
    r.ok = false;
    r.error = std::string("bad \xff byte \"quoted\"");
    std::string j = run_result_json(r);  // invalid UTF-8 must not throw
    RunResult b;
    std::string err;
    ASSERT_TRUE(parse_run_result_json(j, &b, &err)) << err;
    EXPECT_FALSE(b.ok);
    EXPECT_NE(b.error.find("quoted"), std::string::npos);
    EXPECT_FALSE(parse_run_result_json("{", &b, &err));
    EXPECT_FALSE(parse_run_result_json("{\"backend\": 3}", &b, &err));
    EXPECT_FALSE(err.empty());
}

}  // namespace
}  // namespace wfisvm
