// fuzz_guest_report.cc - libFuzzer target: the VMM's parser of the untrusted guest report.
//
// Input: arbitrary bytes split at '\n' into serial lines (a trailing '\r' is
// kept: the parser must cope). Checked: never crashes or reads out of
// bounds (ASan); once a line is rejected every later line is rejected too;
// errors are one non-empty line; a report that finish() accepts is
// complete (END seen, one BOOT and one CPU line for each of its vCPUs).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_input.h"
#include "guest_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    wfisvm::GuestReportParser parser;
    const std::string_view all(reinterpret_cast<const char *>(data), size);
    bool failed = false;
    size_t start = 0;
    while (start <= all.size()) {
        size_t nl = all.find('\n', start);
        if (nl == std::string_view::npos) nl = all.size();
        std::string err;
        const bool ok = parser.feed_line(all.substr(start, nl - start), &err);
        if (failed) FUZZ_CHECK(!ok);
        if (!ok) {
            FUZZ_CHECK(!err.empty() && err.find('\n') == std::string::npos);
            failed = true;
        }
        start = nl + 1;
    }
    wfisvm::GuestReport report;
    std::string err;
    const bool done = parser.finish(&report, &err);
    if (failed) FUZZ_CHECK(!done);
    if (done) {
        FUZZ_CHECK(report.end_seen);
        // vcpus may be 0 here (END vcpus=0 without BOOT lines is accepted;
        // the VMM rejects it by comparing with the vCPUs it started).
        FUZZ_CHECK(report.cpus.size() == report.vcpus);
        for (const auto &c : report.cpus) FUZZ_CHECK(c.boot_seen && c.cpu_seen);
    } else {
        FUZZ_CHECK(!err.empty() && err.find('\n') == std::string::npos);
    }
    return 0;
}
