// progress.h - the one progress line the bench keeps on stderr while it runs.
#pragma once

#include <chrono>
#include <string>

namespace wfisbench {

class Progress {
  public:
    explicit Progress(int total);
    // Shows "[i/total] what  elapsed, ~left"; rewrites the line on a terminal.
    void update(int done, const std::string &what);
    // Prints a message on its own line without garbling the progress line.
    void message(const std::string &line);
    void finish();

  private:
    int total_;
    bool tty_;
    bool dirty_ = false;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace wfisbench
