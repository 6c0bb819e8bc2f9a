// guest_report.h - strict parser of the guest's "WFIS ..." report lines (abi/wfis_guest_abi.h),
// untrusted input.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run.h"
#include "wfis_guest_abi.h"

namespace wfisvm {

struct GuestCpuReport {
    bool boot_seen = false;
    bool cpu_seen = false;
    std::string timer;     // BOOT timer=
    uint64_t tsc_khz = 0;  // BOOT tsc_khz=
    std::string tsc_src;   // BOOT tsc_src=
    std::string workload;  // BOOT workload=
    uint64_t timer_irqs = 0, timer_armed = 0, dev_irqs = 0, dev_acks = 0;
    uint64_t work_units = 0, run_ms = 0, halts = 0, spurious = 0;
    uint64_t missed = 0, dropped = 0;  // v2 keys; 0 when absent
    LatencyHistogram hist{};
};

struct GuestReport {
    uint32_t vcpus = 0;                // from the first BOOT line
    std::vector<GuestCpuReport> cpus;  // indexed by cpu=
    bool end_seen = false;
    bool end_ok = false;                        // END status=ok
    bool mark_start = false, mark_end = false;  // WFIS MARK start / end seen (v2)
};

// What a completed line told the host (SerialConsole's caller acts on it).
enum class ReportEvent { kNone, kCpuLine, kMarkStart, kMarkEnd };

// Feed the guest's serial output line by line (without the newline), then
// finish(). Lines not starting with "WFIS " are free text and ignored. A
// "WFIS" line must be well formed: known record, every required key once,
// decimal numbers without overflow, cpu < vcpus, nothing after END; unknown
// keys of the form key=value are ignored (the ABI only ever appends keys).
// Errors are one line naming the record and what was wrong. Not thread-safe.
class GuestReportParser {
  public:
    // Returns false (and sets *err) at the first malformed WFIS line; later
    // calls keep returning false. *event (optional) says what the line was.
    bool feed_line(std::string_view line, std::string *err, ReportEvent *event = nullptr);
    // Checks completeness: END seen, a BOOT and a CPU line for every vCPU,
    // END's vcpus matching. On success moves the report to *out.
    bool finish(GuestReport *out, std::string *err);

  private:
    bool fail(std::string msg, std::string *err);
    bool parse_boot(std::string_view rest, std::string *err);
    bool parse_cpu(std::string_view rest, std::string *err);
    bool parse_hist(std::string_view rest, std::string *err);
    bool parse_end(std::string_view rest, std::string *err);
    bool parse_mark(std::string_view rest, std::string *err);
    GuestCpuReport *cpu_slot(uint64_t cpu, const char *record, std::string *err);

    GuestReport report_;
    bool failed_ = false;
    std::string error_;
};

// Parses a whole serial log (lines split at '\n', a trailing '\r' dropped).
bool parse_guest_report(std::string_view text, GuestReport *out, std::string *err);

}  // namespace wfisvm
