// plot.h - draws the bench's picture with gnuplot (PNG or SVG by the file's extension).
#pragma once

#include <string>
#include <vector>

#include "run_result.h"
#include "summary.h"

namespace wfisbench {

// The gnuplot script (data inline) for the groups; `out_path` ends in .png or .svg.
// Panels: per scenario host CPU vs timer lateness p99 (log-log, median with
// min-max bars per governor); for pingpong a wake-latency CDF panel.
std::string plot_script(const std::vector<Group> &groups, const std::vector<RunResult> &results,
                        const std::string &out_path, const std::string &title);

// Writes the script next to `work_dir` and runs gnuplot. Returns "" on
// success, else a one-line reason.
std::string render_plot(const std::string &script, const std::string &work_dir);

}  // namespace wfisbench
