// vm_runner.h - one run of wfisleep-vm --json (our VMM, also its in-kernel peer mode).
#pragma once

#include <string>
#include <vector>

#include "run_result.h"

namespace wfisbench {

struct VmSetup {
    std::string vm_path;
    std::string guest_path;
    std::string work_dir;  // per-run JSON and stderr files go here
};

// The wfisleep-vm command line for a plan (exposed for tests); samples_path
// non-empty: --samples, the run's exact samples for pooling.
std::vector<std::string> vm_command(const RunPlan &plan, const VmSetup &setup,
                                    const std::string &json_path,
                                    const std::string &samples_path = "");

// Fills a result from wfisleep-vm's JSON text (exposed for tests). Returns
// false with *err set when the text is not the documented object.
bool parse_vm_json(const std::string &text, RunResult *out, std::string *err);

// One plan's result from a finished wfisleep-vm child: its JSON object
// (json_text), stderr file and samples file (removed once read).
struct ChildResult;
RunResult vm_result(const RunPlan &plan, const ChildResult &c, const std::string &json_text,
                    const std::string &err_path, const std::string &samples_path, double timeout_s);
// Runs the plan in a fresh wfisleep-vm and reads its JSON; with the
// scenario key vms=N, in N side by side (vm_pair.h).
RunResult run_vm(const RunPlan &plan, const VmSetup &setup);
// One wfisleep-vm; `tag` tells the files of VMs running at once apart.
RunResult run_one_vm(const RunPlan &plan, const VmSetup &setup, const std::string &tag);

// Last non-empty line of a file, at most 200 characters ("" if none).
std::string last_line_of(const std::string &path);

}  // namespace wfisbench
