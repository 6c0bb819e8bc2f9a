// summary_main.cc - benchmark main that ends with a summary: plan medians vs the 50 ns goal and a
// baseline.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

constexpr double kPlanGoalNs = 50.0;

// Console output as usual, plus the medians and latency counters it saw.
class SummaryReporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run> &runs) override {
        for (const Run &r : runs) {
            const std::string &name = r.run_name.function_name;
            if (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median") {
                median_real_[name] = r.GetAdjustedRealTime();
                median_cpu_[name] = r.GetAdjustedCPUTime();
            }
            const auto p50 = r.counters.find("p50_ns");
            const auto p99 = r.counters.find("p99_ns");
            if (r.run_type == Run::RT_Iteration && p50 != r.counters.end() &&
                p99 != r.counters.end()) {
                latency_[name] = {p50->second.value, p99->second.value};
            }
        }
        ConsoleReporter::ReportRuns(runs);
    }

    void print_summary() const {
        std::printf(
            "\n== wfisleep micro-benchmark summary (times in ns; CPU time is the cost, "
            "real time includes preemption on a shared machine)\n");
        const auto base = median_cpu_.find("BM_Baseline_TicksToNs");
        const auto clk = median_cpu_.find("BM_Baseline_ClockGettime");
        for (const auto &[name, cpu] : median_cpu_) {
            if (name.rfind("BM_Plan", 0) != 0 && name != "BM_TrapBegin") {
                continue;
            }
            std::printf("%-24s median cpu %7.1f  real %7.1f  goal < %.0f: %s", name.c_str(), cpu,
                        median_real_.at(name), kPlanGoalNs, cpu < kPlanGoalNs ? "met" : "NOT met");
            if (base != median_cpu_.end() && base->second > 0) {
                std::printf("  (%.1fx the baseline exported call)", cpu / base->second);
            }
            if (clk != median_cpu_.end() && clk->second > 0) {
                std::printf("  (%.2fx one clock_gettime)", cpu / clk->second);
            }
            std::printf("\n");
        }
        const auto cv = latency_.find("BM_KickToWake_CondvarBaseline");
        for (const auto &[name, lat] : latency_) {
            std::printf("%-30s kick-to-wake p50 %9.0f  p99 %9.0f", name.c_str(), lat.first,
                        lat.second);
            if (cv != latency_.end() && name != cv->first && cv->second.first > 0) {
                std::printf("  (p50 %.2fx condvar)", lat.first / cv->second.first);
            }
            std::printf("\n");
        }
    }

  private:
    std::map<std::string, double> median_real_;
    std::map<std::string, double> median_cpu_;
    std::map<std::string, std::pair<double, double>> latency_;
};

}  // namespace

int main(int argc, char **argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    SummaryReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    reporter.print_summary();
    benchmark::Shutdown();
    return 0;
}
