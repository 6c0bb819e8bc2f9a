// log_capture.h - test helper: collects the library's log lines while in scope.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "wfisleep/wfisleep.h"

namespace wfisleep::test {

// Installs itself as the process-wide log hook; restores stderr on exit.
class LogCapture {
  public:
    LogCapture() { wfisleep_set_log(&LogCapture::hook, this); }
    ~LogCapture() { wfisleep_set_log(nullptr, nullptr); }
    LogCapture(const LogCapture &) = delete;
    LogCapture &operator=(const LogCapture &) = delete;

    std::vector<std::string> lines() const {
        const std::lock_guard<std::mutex> lock(mu_);
        return lines_;
    }
    size_t count_containing(const std::string &needle) const {
        size_t n = 0;
        for (const auto &l : lines()) {
            n += l.find(needle) != std::string::npos ? 1 : 0;
        }
        return n;
    }

  private:
    static void hook(void *ctx, const char *line) {
        auto *self = static_cast<LogCapture *>(ctx);
        const std::lock_guard<std::mutex> lock(self->mu_);
        self->lines_.emplace_back(line);
    }
    mutable std::mutex mu_;
    std::vector<std::string> lines_;
};

}  // namespace wfisleep::test
