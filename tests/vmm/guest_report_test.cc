// guest_report_test.cc - the guest report parser on good and malformed (untrusted) input, and
// percentiles.
#include "guest_report.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace wfisvm {
namespace {

const char *kGood =
    "booting...\n"
    "WFIS BOOT v=1 cpu=0 vcpus=2 timer=pv tsc_khz=2400000 tsc_src=host workload=idle\n"
    "WFIS BOOT v=1 cpu=1 vcpus=2 timer=pv tsc_khz=2400000 tsc_src=host workload=idle unknown=x\n"
    "WFIS CPU cpu=0 timer_irqs=10 timer_armed=10 dev_irqs=0 dev_acks=0 work_units=0 run_ms=1000 "
    "halts=10 spurious=0\n"
    "WFIS HIST cpu=0 3:5 10:4\n"
    "WFIS HIST cpu=0 260:1\n"
    "WFIS CPU cpu=1 timer_irqs=2 timer_armed=2 dev_irqs=1 dev_acks=1 work_units=7 run_ms=999 "
    "halts=2 spurious=1\n"
    "WFIS HIST cpu=1 0:2\r\n"
    "WFIS END status=ok vcpus=2\n";

std::string parse_error(const std::string &text) {
    GuestReport r;
    std::string err;
    EXPECT_FALSE(parse_guest_report(text, &r, &err)) << text;
    EXPECT_EQ(err.find('\n'), std::string::npos) << "one line: " << err;
    return err;
}

std::string good_with(const std::string &from, const std::string &to) {
    std::string s = kGood;
    size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
}

TEST(GuestReport, ParsesAWellFormedReport) {
    GuestReport r;
    std::string err;
    ASSERT_TRUE(parse_guest_report(kGood, &r, &err)) << err;
    EXPECT_EQ(r.vcpus, 2u);
    ASSERT_EQ(r.cpus.size(), 2u);
    EXPECT_TRUE(r.end_ok);
    EXPECT_EQ(r.cpus[0].timer, "pv");
    EXPECT_EQ(r.cpus[0].tsc_khz, 2400000u);
    EXPECT_EQ(r.cpus[0].timer_irqs, 10u);
    EXPECT_EQ(r.cpus[1].work_units, 7u);
    EXPECT_EQ(r.cpus[1].spurious, 1u);
    EXPECT_EQ(r.cpus[0].hist[3], 5u);
    EXPECT_EQ(r.cpus[0].hist[10], 4u);
    EXPECT_EQ(r.cpus[0].hist[260], 1u);
    EXPECT_EQ(r.cpus[1].hist[0], 2u);
}

TEST(GuestReport, FailStatusIsReported) {
    GuestReport r;
    std::string err;
    ASSERT_TRUE(parse_guest_report(good_with("status=ok", "status=fail"), &r, &err)) << err;
    EXPECT_FALSE(r.end_ok);
}

TEST(GuestReport, RejectsMalformedInput) {
    EXPECT_NE(parse_error("").find("no WFIS lines"), std::string::npos);
    EXPECT_NE(parse_error("hello\nworld\n").find("no WFIS lines"), std::string::npos);
    EXPECT_NE(parse_error(good_with("WFIS END status=ok vcpus=2\n", "")).find("no WFIS END"),
              std::string::npos);
    EXPECT_NE(
        parse_error(good_with("tsc_khz=2400000 tsc_src=host workload=idle\nWFIS BOOT v=1 cpu=1",
                              "tsc_khz=24x0 tsc_src=host workload=idle\nWFIS BOOT v=1 cpu=1"))
            .find("tsc_khz='24x0'"),
        std::string::npos);
    EXPECT_NE(parse_error(good_with("timer_irqs=10", "timer_irqs=99999999999999999999999"))
                  .find("below 2^64"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("timer_irqs=10", "timer_irqs=-1")).find("timer_irqs"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("timer_irqs=10 ", "")).find("missing key 'timer_irqs'"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("halts=10", "halts=10 halts=11")).find("duplicate key"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("3:5", "272:5")).find("out of range"), std::string::npos);
    EXPECT_NE(parse_error(good_with("3:5", "3:")).find("malformed bucket"), std::string::npos);
    EXPECT_NE(parse_error(good_with("3:5", "3:18446744073709551615 3:1")).find("overflows"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("WFIS HIST cpu=1 0:2", "WFIS HIST cpu=5 0:2"))
                  .find("not below vcpus=2"),
              std::string::npos);
    EXPECT_NE(parse_error(
                  good_with("vcpus=2 timer=pv tsc_khz=2400000 tsc_src=host workload=idle unknown",
                            "vcpus=3 timer=pv tsc_khz=2400000 tsc_src=host workload=idle unknown"))
                  .find("disagrees"),
              std::string::npos);
    EXPECT_NE(parse_error(std::string(kGood) + "WFIS CPU cpu=0\n").find("after WFIS END"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("WFIS END", "WFIS FOO x=1\nWFIS END")).find("unknown record"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("WFIS END", "WFIS ERROR cpu=0 setup failed\nWFIS END"))
                  .find("guest reported an error: cpu=0 setup failed"),
              std::string::npos);
    EXPECT_NE(parse_error(
                  good_with("WFIS END", "WFIS HIST cpu=0 " + std::string(200, '1') + "\nWFIS END"))
                  .find("longer than 200"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("timer=pv tsc_khz=2400000 tsc_src=host workload=idle\n",
                                    "timer=hpet tsc_khz=2400000 tsc_src=host workload=idle\n"))
                  .find("accepted: pv|tsc-deadline|lapic-oneshot"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("v=1 cpu=0", "v=4 cpu=0")).find("v=4"), std::string::npos);
    EXPECT_NE(parse_error(good_with("WFIS END", "WFIS MARK end\nWFIS END"))
                  .find("before WFIS MARK start"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("WFIS END", "WFIS MARK later\nWFIS END"))
                  .find("accepted: start, end"),
              std::string::npos);
    EXPECT_NE(parse_error(good_with("END status=ok vcpus=2", "END status=ok vcpus=1"))
                  .find("END vcpus=1"),
              std::string::npos);
    // A vCPU without its CPU line.
    std::string s = kGood;
    size_t a = s.find("WFIS CPU cpu=1");
    s.erase(a, s.find('\n', a) - a + 1);
    EXPECT_NE(parse_error(s).find("no WFIS CPU line for cpu=1"), std::string::npos);
    // Bytes that are not text.
    EXPECT_NE(parse_error(good_with("workload=idle\nWFIS BOOT",
                                    std::string("workload=\x01\xff\nWFIS BOOT")))
                  .find("workload="),
              std::string::npos);
    EXPECT_NE(
        parse_error("WFIS CPU cpu=0 timer_irqs=1 timer_armed=1 dev_irqs=0 dev_acks=0 work_units=0 "
                    "run_ms=1 halts=0 spurious=0\n")
            .find("before any WFIS BOOT"),
        std::string::npos);
    EXPECT_NE(
        parse_error("WFIS BOOT v=1 cpu=0 vcpus=0 timer=pv tsc_khz=1 tsc_src=host workload=idle\n")
            .find("vcpus=0"),
        std::string::npos);
    EXPECT_NE(parse_error("WFIS BOOT =1\n").find("malformed field"), std::string::npos);
}

TEST(GuestReport, RandomGarbageNeverCrashes) {
    std::mt19937_64 rng(42);
    const std::string alphabet = "WFIS BOOTCPUHISTEND=:0123456789 cpu=vcpus=\x00\xff\r";
    int rejected = 0;
    for (int i = 0; i < 3000; i++) {
        std::string text = kGood;
        // Mutate a few bytes of a valid report.
        int n = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < n; k++) {
            size_t pos = rng() % text.size();
            text[pos] = alphabet[rng() % alphabet.size()];
        }
        GuestReport r;
        std::string err;
        if (!parse_guest_report(text, &r, &err)) {
            rejected++;
            EXPECT_FALSE(err.empty());
        }
    }
    EXPECT_GT(rejected, 0);
}

TEST(GuestReport, ParserStaysFailedAfterAnError) {
    GuestReportParser p;
    std::string err;
    EXPECT_FALSE(p.feed_line("WFIS NOPE", &err));
    EXPECT_FALSE(p.feed_line("WFIS END status=ok vcpus=1", &err));
    GuestReport r;
    EXPECT_FALSE(p.finish(&r, &err));
    EXPECT_NE(err.find("unknown record"), std::string::npos);
}

}  // namespace
}  // namespace wfisvm
