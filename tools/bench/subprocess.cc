// subprocess.cc - fork/exec/wait4 with a polling timeout (the bench's only way to start VMs).
#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace wfisbench {

namespace {

int open_out(const std::string &path) {
    const char *p = path.empty() ? "/dev/null" : path.c_str();
    return open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

double tv_s(const timeval &tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

ChildResult run_child(const std::vector<std::string> &argv, const std::string &stdout_path,
                      const std::string &stderr_path, double timeout_s,
                      const std::string &watch_path, const std::function<void(pid_t)> &on_write,
                      int poll_ms) {
    ChildResult r;
    if (argv.empty()) {
        r.error = "empty command";
        return r;
    }
    int out = open_out(stdout_path);
    int err = open_out(stderr_path);
    if (out < 0 || err < 0) {
        r.error = std::string("cannot open output file: ") + std::strerror(errno);
        if (out >= 0) close(out);
        if (err >= 0) close(err);
        return r;
    }
    std::vector<char *> cargv;
    for (const auto &a : argv) cargv.push_back(const_cast<char *>(a.c_str()));
    cargv.push_back(nullptr);
    // A pipe closed on exec tells the parent whether exec worked.
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) != 0) {
        r.error = std::string("pipe: ") + std::strerror(errno);
        close(out);
        close(err);
        return r;
    }
    int ino = -1;
    if (!watch_path.empty() && on_write) {
        int fd = open(watch_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) close(fd);
        ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (ino >= 0 && inotify_add_watch(ino, watch_path.c_str(), IN_MODIFY) < 0) {
            close(ino);
            ino = -1;
        }
    }
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid < 0) {
        r.error = std::string("fork: ") + std::strerror(errno);
        if (ino >= 0) close(ino);
        close(out);
        close(err);
        close(status_pipe[0]);
        close(status_pipe[1]);
        return r;
    }
    if (pid == 0) {
        dup2(out, 1);
        dup2(err, 2);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        execv(cargv[0], cargv.data());
        int e = errno;
        ssize_t n = write(status_pipe[1], &e, sizeof e);
        (void)n;
        _exit(127);
    }
    close(out);
    close(err);
    close(status_pipe[1]);
    int exec_errno = 0;
    ssize_t n = read(status_pipe[0], &exec_errno, sizeof exec_errno);
    close(status_pipe[0]);
    const auto deadline = t0 + std::chrono::duration<double>(timeout_s);
    // Sleep in poll() on a pidfd so the bench itself does not wake up while a VM
    // is being measured; fall back to coarse polling if pidfds are unavailable.
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    int status = 0;
    rusage ru{};
    for (;;) {
        pid_t w = wait4(pid, &status, WNOHANG, &ru);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) break;
        auto now = std::chrono::steady_clock::now();
        if (!r.timed_out && now > deadline) {
            kill(pid, SIGKILL);
            r.timed_out = true;
        }
        auto left_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        int wait_ms =
            r.timed_out ? 10 : static_cast<int>(std::clamp<long long>(left_ms + 1, 1, 1000));
        const bool sampling = poll_ms > 0 && on_write;
        if (sampling) wait_ms = std::min(wait_ms, poll_ms);
        if (pidfd >= 0) {
            pollfd pfd[2] = {{pidfd, POLLIN, 0}, {ino, POLLIN, 0}};
            int nready = poll(pfd, ino >= 0 ? 2 : 1, wait_ms);
            bool wrote = nready > 0 && ino >= 0 && (pfd[1].revents & POLLIN);
            if (wrote) {
                char buf[4096];
                while (read(ino, buf, sizeof buf) > 0) {
                }
            }
            if (wrote || (sampling && !(nready > 0 && (pfd[0].revents & POLLIN)))) on_write(pid);
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min(wait_ms, 50)));
        }
    }
    if (pidfd >= 0) close(pidfd);
    if (ino >= 0) close(ino);
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (n == static_cast<ssize_t>(sizeof exec_errno)) {
        r.error = "cannot execute '" + argv[0] + "': " + std::strerror(exec_errno);
        return r;
    }
    r.started = true;
    r.cpu_s = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
    r.voluntary_switches = ru.ru_nvcsw;
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    return r;
}

}  // namespace wfisbench
