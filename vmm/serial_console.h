// serial_console.h - COM1 (16550 subset): collects guest output into lines, feeds the report
// parser, copies to a file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "guest_report.h"

namespace wfisvm {

class SerialConsole {
  public:
    // echo: print each line on stdout; file: copy ("" = none).
    bool open(const std::string &file, bool echo, std::string *err);
    ~SerialConsole();

    // Port offset 0..7 from COM1. Any vCPU thread. out() returns false (and
    // sets *err) when the guest broke a rule: malformed report line, or more
    // than kMaxBytes of output. *cpu_line is set to N when this byte
    // completed a well-formed "WFIS CPU cpu=N" line, else -1; *event
    // (optional) says which record the byte completed (MARK lines).
    bool out(uint16_t offset, uint8_t byte, int *cpu_line, std::string *err,
             ReportEvent *event = nullptr);
    uint8_t in(uint16_t offset) const;

    // Flushes a partial last line and finishes the report parse.
    bool finish(GuestReport *report, std::string *err);

    static constexpr uint64_t kMaxBytes = 1u << 20;
    static constexpr size_t kMaxLine = 4096;

  private:
    bool end_line(int *cpu_line, std::string *err, ReportEvent *event);

    std::mutex mu_;
    std::string line_;
    uint64_t bytes_ = 0;
    bool echo_ = false;
    FILE *file_ = nullptr;
    GuestReportParser parser_;
};

}  // namespace wfisvm
