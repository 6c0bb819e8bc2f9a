// log.cc - the log hook: an atomic pointer to an immutable {fn, ctx} node.
#include "log/log.h"

#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <new>

namespace wfisleep {
namespace {

struct LogNode {
    LogFn fn;
    void *ctx;
    const LogNode *next_created;  // every node ever made, for reuse
};

// Readers load the pointer and call through the node without a lock. A node
// may be read by a logger after it was replaced, so nodes are never freed;
// set_log reuses an existing node with the same {fn, ctx}, so the number of
// nodes is bounded by the distinct hooks a process installs.
std::atomic<const LogNode *> g_current{nullptr};  // nullptr = stderr
const LogNode *g_created = nullptr;               // guarded by g_mutex
std::mutex g_mutex;

void log_to_stderr(const char *line) noexcept {
    // Lines come from vCPU threads too, which must never stall on a full
    // stderr pipe: write only when poll says stderr can take data now, else
    // drop the line. (A pipe that reports POLLOUT has a free buffer slot, so
    // a line under PIPE_BUF goes in without blocking, unless another writer
    // fills it between the two calls.)
    pollfd pfd{STDERR_FILENO, POLLOUT, 0};
    if (poll(&pfd, 1, 0) != 1 || (pfd.revents & POLLOUT) == 0) {
        return;
    }
    // Line and newline in one writev(2), so concurrent lines do not mix; no
    // stdio, which would take a lock. A short write of a log line to stderr
    // is not worth retrying.
    iovec iov[2] = {{const_cast<char *>(line), strlen(line)}, {const_cast<char *>("\n"), 1}};
    (void)writev(STDERR_FILENO, iov, 2);
}

}  // namespace

void set_log(LogFn fn, void *ctx) noexcept {
    if (fn == nullptr) {
        g_current.store(nullptr, std::memory_order_release);
        return;
    }
    const std::lock_guard<std::mutex> lock(g_mutex);
    for (const LogNode *n = g_created; n != nullptr; n = n->next_created) {
        if (n->fn == fn && n->ctx == ctx) {
            g_current.store(n, std::memory_order_release);
            return;
        }
    }
    auto *node = new (std::nothrow) LogNode{fn, ctx, g_created};
    if (node == nullptr) {
        return;  // keep the current hook
    }
    g_created = node;
    g_current.store(node, std::memory_order_release);
}

void log_line(const char *line) noexcept {
    const LogNode *n = g_current.load(std::memory_order_acquire);
    if (n == nullptr) {
        log_to_stderr(line);
    } else {
        n->fn(n->ctx, line);
    }
}

}  // namespace wfisleep
