// spin_match.h - the row deadline+spin:us=match: a fixed-spin baseline whose spin is set per block
// to adaptive's measured CPU per timer interrupt in the same block.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "run_result.h"

namespace wfisbench {

// The governor item the bench replaces by a number before each run.
constexpr const char *kSpinMatchItem = "us=match";

// A deadline+spin spec with us=match (the other keys as the grammar takes them).
bool is_spin_match_row(const std::string &governor);

// governor with its us=match item replaced by us=<us>; any other spec unchanged.
std::string spin_match_governor(const std::string &governor, uint64_t us);

// The row whose CPU the match follows: "adaptive" when listed, else the first
// listed adaptive spec; "" when there is none.
std::string spin_match_partner(const std::vector<std::string> &governors);

// A from one adaptive run: its vCPUs' poll + spin time per timer interrupt the
// guest took, rounded to whole us; 0 when unknown (a failed run, no figures,
// no timer interrupt).
uint64_t spin_match_us(const RunResult &adaptive);

// Within one block: each match row that would run before the partner on its
// scenario trades places with it, so the partner's figure is known in time.
void order_spin_match_after_partner(std::vector<RunPlan> *block, const std::string &partner);

// Carries the partner's figures to the match rows run by run.
class SpinMatcher {
  public:
    explicit SpinMatcher(const std::vector<std::string> &governors)
        : partner_(spin_match_partner(governors)) {}

    // The plan to run: a match row gets its block's A (0 when its partner
    // did not run or measured nothing) in vm_governor and spin_match_us.
    RunPlan prepare(const RunPlan &plan) const;
    // Keeps the partner's A for its block and scenario.
    void record(const RunResult &r);
    // One line per scenario with the A of each block, for the notes.
    std::string note() const;

  private:
    std::string partner_;
    std::map<std::pair<std::string, int>, uint64_t> us_;  // (scenario, block) -> A
    std::map<std::pair<std::string, int>, uint64_t> used_;
};

}  // namespace wfisbench
