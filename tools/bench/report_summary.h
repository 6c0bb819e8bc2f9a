// report_summary.h - the README's short results summary, written from a bench JSON document:
// the run and its commit, one table of the goals' checks, the flagged runs, the picture, and what
// the figures mean and do not mean. The full tables go to docs/results.md (report_markdown.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace wfisbench {

// Markdown (no markers). `plot_path` is the image as the README links it
// ("" = none); `full_link` the document holding the full tables. When no goal
// was evaluated (a partial matrix), the goals table gives way to each row's
// workload CPU and lateness. Returns "" and sets *err when the document
// lacks the bench's keys.
std::string summary_markdown(const nlohmann::json &doc, const std::string &plot_path,
                             const std::string &full_link, std::string *err);

}  // namespace wfisbench
