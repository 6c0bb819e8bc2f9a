// runners_test.cc - reading wfisleep-vm's JSON, the guest's serial report, and the child runner.
#include <gtest/gtest.h>

#include "bench_json.h"
#include "cli_helpers.h"
#include "qemu_runner.h"
#include "subprocess.h"
#include "vm_runner.h"

using namespace wfisbench;

namespace {

const char *kVmJson = R"({"backend": "kvm", "scenario": "pingpong:rate=2000", "governor": "off",
 "vcpus": 1, "seconds": 1, "wall_s": 1.2, "status": "ok", "error": null,
 "host_cpu_pct": 99.5, "vcpu_cpu_pct": [99.0], "wakeups_per_s": 12.5,
 "timer_lateness_us": {"p50": 8, "p99": 20, "max": 41},
 "wake_latency_us": {"p50": 9, "p99": 25, "max": 60},
 "work_rate": null, "lost_interrupts": 0, "exits": 3012, "idle_traps": 3000,
 "interrupts": {"timer": {"injected": 3000, "handled": 3000},
                "device": {"injected": 2000, "handled": 2000}},
 "guest": {"timer": "pv", "tsc_khz": 2400000},
 "governor_stats": [{"idle_calls": 0, "sleeps": 0, "kicks": 0, "poll_hits": 0,
                     "sleep_ns": 0, "poll_ns": 0, "spin_ns": 0}]})";

const char *kReport =
    "SeaBIOS noise\n"
    "WFIS BOOT v=1 cpu=0 vcpus=1 timer=tsc-deadline tsc_khz=2000000 tsc_src=calibrated "
    "workload=compute\r\n"
    "WFIS CPU cpu=0 timer_irqs=100 timer_armed=101 dev_irqs=0 dev_acks=0 work_units=750 "
    "run_ms=1500 halts=100 spurious=0\n"
    "WFIS HIST cpu=0 4:50 5:40 40:9 256:1\n"
    "WFIS END status=ok vcpus=1\n";

}  // namespace

TEST(BenchRunners, ReadsTheVmJson) {
    RunResult r;
    std::string err;
    ASSERT_TRUE(parse_vm_json(kVmJson, &r, &err)) << err;
    EXPECT_EQ(r.backend, Backend::kKvm);
    EXPECT_DOUBLE_EQ(*r.host_cpu_pct, 99.5);
    EXPECT_DOUBLE_EQ(r.timer_lateness_us->p99.value_or(-1), 20);
    EXPECT_DOUBLE_EQ(r.wake_latency_us->max, 60);
    EXPECT_FALSE(r.work_rate.has_value());
    EXPECT_EQ(*r.exits, 3012);
    EXPECT_EQ(*r.lost_interrupts, 0);
    EXPECT_EQ(r.guest_timer, "pv");
    // An older wfisleep-vm wrote no governor return lateness.
    EXPECT_FALSE(r.governor_return_late_us.has_value());
    EXPECT_FALSE(r.governor_return_early.has_value());
}

TEST(BenchRunners, ReadsTheGovernorReturnLateness) {
    std::string json = kVmJson;
    json.insert(json.rfind('}'), R"(, "governor_return_late_us": {"p50": 4.5, "p90": 9,
        "p99": 31, "p99_9": null, "max": 70, "count": 2000}, "governor_return_early": 12)");
    RunResult r;
    std::string err;
    ASSERT_TRUE(parse_vm_json(json, &r, &err)) << err;
    ASSERT_TRUE(r.governor_return_late_us.has_value());
    EXPECT_DOUBLE_EQ(r.governor_return_late_us->p50.value_or(-1), 4.5);
    EXPECT_DOUBLE_EQ(r.governor_return_late_us->p99.value_or(-1), 31);
    EXPECT_EQ(r.governor_return_late_us->count, 2000u);
    EXPECT_EQ(r.governor_return_early.value_or(-1), 12);
    const std::string out = run_json(r).dump();
    EXPECT_NE(out.find(R"("governor_return_early":12)"), std::string::npos) << out;
}

TEST(BenchRunners, VmErrorsAndGarbageAreReported) {
    RunResult r;
    std::string err;
    std::string failed = kVmJson;
    failed.replace(failed.find("\"status\": \"ok\", \"error\": null"),
                   std::string("\"status\": \"ok\", \"error\": null").size(),
                   "\"status\": \"error\", \"error\": \"guest triple fault\"");
    EXPECT_FALSE(parse_vm_json(failed, &r, &err));
    EXPECT_NE(err.find("triple fault"), std::string::npos) << err;
    for (const char *bad : {"", "not json", "[]", "{\"backend\": \"kvm\"}"}) {
        err.clear();
        EXPECT_FALSE(parse_vm_json(bad, &r, &err)) << bad;
        EXPECT_FALSE(err.empty()) << bad;
    }
}

TEST(BenchRunners, ReadsTheGuestReportForQemu) {
    RunResult r;
    std::string err;
    ASSERT_TRUE(fill_from_serial(kReport, "compute:busy=1,idle=0", 1, &r, &err)) << err;
    ASSERT_TRUE(r.timer_lateness_us.has_value());
    // 100 samples: 50 in [4,5) us, 40 in [5,6), 9 in [40,41), 1 in [256,512);
    // histogram figures are approx; p99 is shown from 100 samples, p99.9 is not.
    EXPECT_FALSE(r.timer_lateness_us->exact);
    EXPECT_EQ(r.timer_lateness_us->count, 100u);
    EXPECT_GE(r.timer_lateness_us->p50.value_or(-1), 4);
    EXPECT_LE(r.timer_lateness_us->p50.value_or(99), 5);
    EXPECT_DOUBLE_EQ(r.timer_lateness_us->p90.value_or(-1), 5);
    EXPECT_DOUBLE_EQ(r.timer_lateness_us->p99.value_or(-1), 40);  // rank 99: the [40,41) bucket
    EXPECT_FALSE(r.timer_lateness_us->p999.has_value());
    EXPECT_DOUBLE_EQ(r.timer_lateness_us->max, 256);
    ASSERT_TRUE(r.work_rate.has_value());
    EXPECT_DOUBLE_EQ(*r.work_rate, 500);  // 750 units in 1.5 s
    EXPECT_EQ(r.guest_timer, "tsc-deadline");
    // QEMU cannot see these: null, never invented.
    EXPECT_FALSE(r.wake_latency_us.has_value());
    EXPECT_FALSE(r.exits.has_value());
    EXPECT_FALSE(r.lost_interrupts.has_value());
}

TEST(BenchRunners, BadGuestReportsAreRejected) {
    RunResult r;
    std::string err;
    EXPECT_FALSE(fill_from_serial("", "idle:hz=1000", 1, &r, &err));
    EXPECT_FALSE(err.empty());
    std::string failed = kReport;
    failed.replace(failed.find("status=ok"), 9, "status=fail");
    err.clear();
    EXPECT_FALSE(fill_from_serial(failed, "idle:hz=1000", 1, &r, &err));
    EXPECT_FALSE(err.empty());
    err.clear();
    EXPECT_FALSE(fill_from_serial(kReport, "idle:hz=1000", 2, &r, &err));  // 1 of 2 vCPUs
    EXPECT_NE(err.find("2 requested"), std::string::npos) << err;
    std::string truncated(kReport, std::string(kReport).find("WFIS END"));
    err.clear();
    EXPECT_FALSE(fill_from_serial(truncated, "idle:hz=1000", 1, &r, &err));
}

TEST(BenchRunners, ChildExitCodesTimeoutsAndMissingPrograms) {
    std::string dir = benchtest::temp_dir();
    ChildResult c = run_child({"/bin/sh", "-c", "echo hi; exit 3"}, dir + "/o", dir + "/e", 30);
    EXPECT_TRUE(c.started);
    EXPECT_EQ(c.exit_code, 3);
    EXPECT_FALSE(c.timed_out);
    EXPECT_EQ(benchtest::read_file(dir + "/o"), "hi\n");

    c = run_child({"/bin/sh", "-c", "exec sleep 30"}, "", "", 0.2);
    EXPECT_TRUE(c.timed_out);
    EXPECT_EQ(c.signal, 9);

    c = run_child({dir + "/does-not-exist"}, "", "", 5);
    EXPECT_FALSE(c.started);
    EXPECT_NE(c.error.find("does-not-exist"), std::string::npos) << c.error;
    EXPECT_EQ(last_line_of(dir + "/o"), "hi");
}
