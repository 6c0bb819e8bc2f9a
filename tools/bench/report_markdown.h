// report_markdown.h - the README's results section, written from a bench JSON document.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace wfisbench {

// Markdown (no markers): run description, one table per scenario (median
// (min-max), ratios to off and seed), the goals, skipped peers, the plot.
// `plot_path` is the image path as the README should link it ("" = none).
// Returns "" and sets *err if the document lacks the bench's keys.
std::string results_markdown(const nlohmann::json &doc, const std::string &plot_path,
                             std::string *err);

}  // namespace wfisbench
