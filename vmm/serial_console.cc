// serial_console.cc - COM1 line collection, report parsing and copies of the guest's output.
#include "serial_console.h"

#include <cerrno>
#include <cstring>

namespace wfisvm {

bool SerialConsole::open(const std::string &file, bool echo, std::string *err) {
    echo_ = echo;
    if (!file.empty()) {
        file_ = std::fopen(file.c_str(), "w");
        if (!file_) {
            *err = "cannot write serial file '" + file + "': " + std::strerror(errno);
            return false;
        }
    }
    return true;
}

SerialConsole::~SerialConsole() {
    if (file_) std::fclose(file_);
}

bool SerialConsole::end_line(int *cpu_line, std::string *err, ReportEvent *event) {
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (file_) {
        std::fwrite(line_.data(), 1, line_.size(), file_);
        std::fputc('\n', file_);
    }
    if (echo_) std::printf("%s\n", line_.c_str());
    bool ok = parser_.feed_line(line_, err, event);
    static constexpr std::string_view kCpu = "WFIS CPU cpu=";
    if (ok && line_.compare(0, kCpu.size(), kCpu) == 0) {
        int n = 0;
        size_t i = kCpu.size();
        for (; i < line_.size() && line_[i] >= '0' && line_[i] <= '9' && n < 100000; i++)
            n = n * 10 + (line_[i] - '0');
        *cpu_line = n;
    }
    line_.clear();
    return ok;
}

bool SerialConsole::out(uint16_t offset, uint8_t byte, int *cpu_line, std::string *err,
                        ReportEvent *event) {
    *cpu_line = -1;
    if (event) *event = ReportEvent::kNone;
    if (offset != 0) return true;  // IER, FCR, LCR, MCR, scratch: accepted, ignored
    std::lock_guard<std::mutex> lock(mu_);
    if (++bytes_ > kMaxBytes) {
        *err =
            "guest wrote more than " + std::to_string(kMaxBytes) + " bytes to the serial console";
        return false;
    }
    if (byte == '\n') return end_line(cpu_line, err, event);
    if (line_.size() >= kMaxLine) {
        *err = "guest serial line longer than " + std::to_string(kMaxLine) + " characters";
        return false;
    }
    line_ += static_cast<char>(byte);
    return true;
}

uint8_t SerialConsole::in(uint16_t offset) const {
    if (offset == 5) return 0x60;  // LSR: transmitter empty
    return 0;
}

bool SerialConsole::finish(GuestReport *report, std::string *err) {
    std::lock_guard<std::mutex> lock(mu_);
    int cpu_line = -1;
    if (!line_.empty() && !end_line(&cpu_line, err, nullptr)) return false;
    if (file_) std::fflush(file_);
    if (echo_) std::fflush(stdout);
    return parser_.finish(report, err);
}

}  // namespace wfisvm
