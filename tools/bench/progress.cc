// progress.cc - progress line on stderr: rewritten in place on a terminal, one line per run
// otherwise.
#include "progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace wfisbench {

namespace {
std::string mmss(double s) {
    auto t = static_cast<long>(s + 0.5);
    return fmt::format("{}:{:02d}", t / 60, t % 60);
}
}  // namespace

Progress::Progress(int total)
    : total_(total), tty_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}

void Progress::update(int done, const std::string &what) {
    double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::string left = done > 0 ? ", ~" + mmss(el / done * (total_ - done)) + " left" : "";
    std::string line =
        fmt::format("[{}/{}] {}  ({} elapsed{})", done + 1, total_, what, mmss(el), left);
    if (tty_) {
        fmt::print(stderr, "\r\033[K{}", line);
        dirty_ = true;
    } else {
        fmt::print(stderr, "{}\n", line);
    }
    std::fflush(stderr);
}

void Progress::message(const std::string &line) {
    if (dirty_) fmt::print(stderr, "\r\033[K");
    fmt::print(stderr, "{}\n", line);
    dirty_ = false;
}

void Progress::finish() {
    if (dirty_) fmt::print(stderr, "\r\033[K");
    dirty_ = false;
    std::fflush(stderr);
}

}  // namespace wfisbench
