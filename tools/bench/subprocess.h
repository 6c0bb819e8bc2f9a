// subprocess.h - runs one child program with a timeout and reports its exit, wall time and rusage.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace wfisbench {

struct ChildResult {
    bool started = false;    // fork/exec worked
    bool timed_out = false;  // killed after the timeout
    int exit_code = -1;      // exit status, or -1 when killed by a signal
    int signal = 0;          // terminating signal, 0 if none
    double wall_s = 0;       // fork to reap
    double cpu_s = 0;        // user + system of the child (wait4 rusage)
    long voluntary_switches = 0;
    std::string error;  // why it could not start
};

// Runs argv[0] with argv; stdout and stderr go to the given files ("" = /dev/null).
// Kills the child (SIGKILL) after timeout_s. Never throws.
// on_write (optional): `watch_path` is created empty before the start and
// on_write(pid) runs whenever the child writes to it (inotify), so the caller
// can act on output as it appears without polling. poll_ms > 0: on_write
// also runs at least every poll_ms while the child lives (for readers that
// must sample the child's state on a short period).
ChildResult run_child(const std::vector<std::string> &argv, const std::string &stdout_path,
                      const std::string &stderr_path, double timeout_s,
                      const std::string &watch_path = "",
                      const std::function<void(pid_t)> &on_write = {}, int poll_ms = 0);

}  // namespace wfisbench
