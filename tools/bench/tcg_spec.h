// tcg_spec.h - the real-QEMU rows (qemu-tcg:BUILD[:POLICY]) and the arm64 Linux guest's
// scenarios (linux-idle, linux-cyclictest, linux-ping) they run.
#pragma once

#include <string>
#include <vector>

namespace wfisbench {

// The four qemu-system-aarch64 10.2 TCG builds of scripts/qemu-tcg.sh, in its order.
const std::vector<std::string> &tcg_build_names();

// A row `qemu-tcg:BUILD[:POLICY]`: BUILD one of tcg_build_names(); POLICY
// (wfisleep builds only) adaptive or off, handed to QEMU as WFISLEEP_POLICY.
struct TcgRow {
    std::string build;
    std::string policy;     // "" = none set (upstream, or a wfisleep build left off)
    bool wfisleep = false;  // a wfisleep-* build (reads WFISLEEP_POLICY)
    bool ppoll = true;      // false: QEMU's main loop where ppoll() is missing
};

// True when the text names a real-QEMU row (it starts with "qemu-tcg").
bool is_tcg_row(const std::string &governor);
// Parses a row; false with a one-line *err naming the row and what is accepted.
bool parse_tcg_row(const std::string &text, TcgRow *out, std::string *err);
// The upstream build with the same main loop as `row`: the reference it is compared with.
std::string tcg_upstream_row(const TcgRow &row);
// How the table and the JSON describe a build's main loop.
const char *tcg_main_loop(const TcgRow &row);

// The Linux guest's workload, one of three kinds:
//   linux-idle[:vcpus=N]                            every vCPU idles in WFI
//   linux-cyclictest[:hz=H,threads=T,vcpus=N]       cyclictest, T threads at H wake-ups/s
//   linux-ping[:rate=R,vcpus=N]                     ping to the user-network gateway at R/s
// Defaults: hz 1000 (it must divide 1000000 and give 100..1000000 us), threads 1
// (1..64), rate 100 (1..1000), vcpus = --vcpus (1..64). The run's length is
// --tcg-seconds.
enum class TcgWork { kIdle, kCyclictest, kPing };
struct TcgScenario {
    TcgWork work = TcgWork::kIdle;
    int hz = 1000;
    int threads = 1;
    int rate = 100;
    int vcpus = 0;  // 0: --vcpus
};

// True when the scenario's kind starts with "linux-" (the arm64 Linux guest).
bool is_tcg_scenario(const std::string &scenario);
bool parse_tcg_scenario(const std::string &text, TcgScenario *out, std::string *err);
// Every key agrees once defaults are filled in (the vCPU count is compared by
// the caller, as for the other scenarios).
bool same_tcg_scenario(const std::string &a, const std::string &b);
// The vCPUs a scenario runs with.
int tcg_scenario_vcpus(const std::string &scenario, int vcpus);
// The guest's wfis.work= value for a run of `seconds` (whole seconds).
std::string tcg_guest_work(const TcgScenario &s, int seconds);

}  // namespace wfisbench
