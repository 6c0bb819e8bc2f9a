// spin_match.h - the rows deadline+spin:us=match and us=cpumatch: fixed-spin baselines whose spin
// is set per block from adaptive's measured CPU per timer interrupt in the same block.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "run_result.h"

namespace wfisbench {

// The governor items the bench replaces by a number before each run:
// us=match spins adaptive's poll + spin per timer interrupt (nominal spin);
// us=cpumatch corrects that by what the us=match run actually spun, so its
// CPU matches adaptive's (cpu_match_us below).
constexpr const char *kSpinMatchItem = "us=match";
constexpr const char *kCpuMatchItem = "us=cpumatch";

// A deadline+spin spec with us=match or us=cpumatch (the other keys as the
// grammar takes them).
bool is_spin_match_row(const std::string &governor);
// Only the us=cpumatch ones.
bool is_cpu_match_row(const std::string &governor);

// governor with its us=match or us=cpumatch item replaced by us=<us>; any
// other spec unchanged.
std::string spin_match_governor(const std::string &governor, uint64_t us);

// The us=match row a us=cpumatch row corrects: the same spec with us=match.
std::string cpu_match_partner(const std::string &governor);

// The row whose CPU the match follows: "adaptive" when listed, else the first
// listed adaptive spec; "" when there is none.
std::string spin_match_partner(const std::vector<std::string> &governors);

// One run's poll + spin time per timer interrupt the guest took, us; nullopt
// when unknown (a failed run, no figures, no timer interrupt).
std::optional<double> spin_per_irq_us(const RunResult &r);

// A from one adaptive run: spin_per_irq_us rounded to whole us; 0 when unknown.
uint64_t spin_match_us(const RunResult &adaptive);

// A for us=cpumatch: one secant step from the us=match run of the same
// block, which ran with match_us and spun match_cpu_us per interrupt, toward
// adaptive's adaptive_cpu_us. A spin of 0 spins nothing, so the secant runs
// through the origin: A = match_us x adaptive_cpu_us / match_cpu_us, the
// factor held within 1/kCpuMatchMaxFactor .. kCpuMatchMaxFactor (one noisy
// run, or a us=match run that spun nothing, cannot send it far), rounded.
// How much a fixed spin spins per wake depends on how late its sleeps
// return, which the us=match run has just measured on this block's host.
constexpr double kCpuMatchMaxFactor = 4;
uint64_t cpu_match_us(double adaptive_cpu_us, uint64_t match_us, double match_cpu_us);

// Within one block and scenario: the partner, then the us=match rows, then
// the us=cpumatch rows, each taking the earliest of the places the chain
// holds (the other runs keep theirs), so each link's figure is known in time.
void order_spin_match_after_partner(std::vector<RunPlan> *block, const std::string &partner);

// Carries the partner's and the us=match rows' figures to the match rows run by run.
class SpinMatcher {
  public:
    explicit SpinMatcher(const std::vector<std::string> &governors)
        : partner_(spin_match_partner(governors)) {}

    // The plan to run: a match row gets its block's A in vm_governor and
    // spin_match_us. us=match: spin_match_us of the partner (0 when it did
    // not run or measured nothing). us=cpumatch: cpu_match_us from the
    // partner and its us=match row; without a measured us=match run, the
    // us=match rule.
    RunPlan prepare(const RunPlan &plan) const;
    // Keeps the partner's and the us=match rows' figures for their block and scenario.
    void record(const RunResult &r);
    // The A of each block per row and scenario, and for us=cpumatch the CPU
    // ratio it reached against the partner, for the notes.
    std::string note() const;

  private:
    using Key = std::tuple<std::string, std::string, int>;  // (scenario, governor, block)
    struct Used {
        uint64_t us = 0;
        std::optional<double> cpu_ratio;  // the run's spin per irq over the partner's
    };
    std::string partner_;
    std::map<std::pair<std::string, int>, double> partner_cpu_;  // (scenario, block) -> us
    std::map<Key, std::pair<uint64_t, double>> match_;           // us=match: (A, spin per irq us)
    std::map<Key, Used> used_;
};

}  // namespace wfisbench
