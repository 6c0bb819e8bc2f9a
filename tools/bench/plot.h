// plot.h - draws the bench's picture with gnuplot (PNG or SVG by the file's extension) from a
// bench JSON document, so a picture redrawn from results/bench.json matches the run's own.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace wfisbench {

// The gnuplot script (data inline) for a bench JSON document (bench_json.h);
// `out_path` ends in .png or .svg. One row per scenario that is not compute:
// workload CPU against lateness p99 (log-log; block median with the 95% rank
// interval of the median; labels for adaptive and the Pareto frontier, placed
// without overlap) beside the pooled lateness distribution as "fraction later
// than x" (log-log); compute scenarios as work-rate bars. One legend for all.
// Returns "" with *err set to one line when the document is not a bench JSON.
std::string plot_script(const nlohmann::json &doc, const std::string &out_path, std::string *err);

// Writes the script next to `work_dir` and runs gnuplot. Returns "" on
// success, else a one-line reason.
std::string render_plot(const std::string &script, const std::string &work_dir);

}  // namespace wfisbench
