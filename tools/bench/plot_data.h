// plot_data.h - what the bench's picture shows, gathered from a bench JSON document (the run's
// own, or one read back by wfisleep-bench-report): per scenario and governor the block medians
// with their intervals, and the pooled lateness CDF.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "median_ci.h"

namespace wfisbench {

// One governor's row in one scenario.
struct PlotRow {
    std::string governor;
    bool ours = false;             // "adaptive" or an adaptive spec
    std::optional<MedianCi> cpu;   // workload_cpu_pct, or host_cpu_pct when cpu_is_host
    bool cpu_is_host = false;      // no completed run recorded the workload window
    std::optional<MedianCi> late;  // the scenario's lateness p99 (p90: PlotScenario::late_p90)
    std::optional<MedianCi> late90;
    std::optional<MedianCi> rate;  // work_rate
    // Pooled exact samples' CDF, (us, fraction <= us), and the sample count.
    std::vector<std::pair<double, double>> cdf;
    uint64_t cdf_count = 0;
    bool cdf_coarse = false;  // an older JSON's 1-2-5 grid, merged with the pooled quantiles
};

struct PlotScenario {
    std::string scenario;
    bool compute = false;       // work-rate bars instead of CPU vs lateness
    bool wake = false;          // lateness = wake latency (pingpong, burst), else timer lateness
    bool macos = false;         // host=macos: the coalescing model
    bool late_p90 = false;      // no run had enough samples for a p99: `late` holds the p90
    std::vector<PlotRow> rows;  // in the summary's order
};

struct PlotData {
    std::string title;  // machine and run shape
    bool any_macos = false;
    std::vector<std::string> governors;  // every governor, first appearance (one style each)
    std::vector<PlotScenario> scenarios;
};

// True for the library governor under test: "adaptive" and specs starting with it.
bool is_ours(const std::string &governor);

// Gathers the figures from the document's runs (completed ones, one value per
// block) and summary (pooled CDFs). Returns nullopt with *err set to one line
// when the document is not a bench JSON.
std::optional<PlotData> plot_data(const nlohmann::json &doc, std::string *err);

}  // namespace wfisbench
