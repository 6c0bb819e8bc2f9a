// bench_json.h - the bench's JSON document: machine, runs, summary with intervals, goals G1-G6.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "goals.h"
#include "matrix.h"
#include "options.h"
#include "run_result.h"
#include "summary.h"

namespace wfisbench {

// One entry of "runs": every key of the schema, plus extras.
nlohmann::json run_json(const RunResult &r);

struct BenchDoc {
    const Options &opt;
    nlohmann::json machine;
    const std::vector<RunResult> &results;
    const std::vector<Skip> &skips;
    const std::vector<Group> &groups;
    const std::vector<GoalResult> &goals;
    std::vector<std::string> notes;
    double wall_s = 0;
    int exit_status = 0;
    std::set<int> flagged_blocks;             // blocks holding a run flagged disturbed
    std::vector<GoalResult> goals_unflagged;  // goals without them (empty: none flagged)
    // Wall time of each block's runs, and of its real-QEMU runs (s).
    std::vector<double> block_wall_s, block_qemu_tcg_wall_s;
};
nlohmann::json bench_json(const BenchDoc &d);

}  // namespace wfisbench
