// parker_kqueue_apple.cc - the parker on macOS: one kqueue per vCPU, a precise timer and a user
// event. UNTESTED HERE: this machine is Linux; only syntax-checked for arm64-apple-macos.
//
// Why kqueue: an ordinary timed wait on macOS (pthread_cond, nanosleep) is
// coalesced, up to 12.5% of its length late (at most 1 ms). An EVFILT_TIMER
// with NOTE_CRITICAL asks for the least coalescing; NOTE_LEEWAY passes our
// leeway too, which the kernel may only widen, never narrow below its own
// floor (the flags are documented in <sys/event.h>). The timer's set-up is
// kqueue_timer.cc, pure and tested on every platform.
// An EVFILT_USER event triggered with NOTE_TRIGGER is the wake, so one
// kevent64() call waits for both.
#include <sys/event.h>
#include <unistd.h>

#include <ctime>

#include "platform/clock.h"
#include "platform/kqueue_timer.h"
#include "platform/parker.h"
#include "wfisleep/wfisleep.h"

namespace wfisleep::platform {
namespace {

constexpr uint64_t kWakeIdent = 1;
constexpr uint64_t kTimerIdent = 2;

struct kevent64_s user_event(uint16_t flags, uint32_t fflags) noexcept {
    struct kevent64_s ev {};
    ev.ident = kWakeIdent;
    ev.filter = EVFILT_USER;
    ev.flags = flags;
    ev.fflags = fflags;
    return ev;
}

}  // namespace

Parker::Parker(uint64_t leeway_ns) noexcept : leeway_ns_(leeway_ns) {
    fd_ = kqueue();
    if (fd_ < 0) {
        return;
    }
    // EV_CLEAR: the trigger resets once a wait has retrieved it.
    const struct kevent64_s add = user_event(EV_ADD | EV_CLEAR, 0);
    if (kevent64(fd_, &add, 1, nullptr, 0, 0, nullptr) < 0) {
        (void)close(fd_);
        fd_ = -1;
    }
}

Parker::~Parker() {
    if (fd_ >= 0) {
        (void)close(fd_);
    }
}

bool Parker::ok() const noexcept {
    return fd_ >= 0;
}

void Parker::park(std::atomic<uint32_t> *word, uint32_t expected, uint64_t deadline_ns) noexcept {
    if (fd_ < 0 || word->load(std::memory_order_acquire) != expected) {
        return;
    }
    const KqueueTimerArm arm = kqueue_timer_arm(now_ns(), deadline_ns, leeway_ns_);
    if (arm.action == KqueueTimerArm::Action::due) {
        return;
    }
    struct kevent64_s change {};
    change.ident = kTimerIdent;
    change.filter = EVFILT_TIMER;
    int nchanges = 1;
    if (arm.action == KqueueTimerArm::Action::remove) {
        // A timer left armed by an earlier park must not end this one. Its
        // own call without an event list, so a missing timer (ENOENT) comes
        // back as the return value, not as an event that would end the wait.
        change.flags = EV_DELETE;
        (void)kevent64(fd_, &change, 1, nullptr, 0, 0, nullptr);
        nchanges = 0;
    } else {
        // EV_ADD on the same ident re-arms the timer, replacing an old one.
        change.flags = EV_ADD | EV_ONESHOT;
        change.fflags = NOTE_NSECONDS;
        change.data = arm.interval_ns;
        if (arm.set_leeway) {
            change.fflags |= NOTE_CRITICAL | NOTE_LEEWAY;
            change.ext[1] = arm.leeway_ns;
        }
    }
    // A kick between the word check above and this call is not lost: its
    // NOTE_TRIGGER stays set until a wait retrieves it (EV_CLEAR), so the
    // wait returns at once. EINTR, a stale trigger or an old timer firing is
    // a spurious return, which the waiter's loop allows.
    struct kevent64_s got {};
    (void)kevent64(fd_, nchanges != 0 ? &change : nullptr, nchanges, &got, 1, 0, nullptr);
}

void Parker::unpark(std::atomic<uint32_t> * /*word*/) noexcept {
    if (fd_ >= 0) {
        const struct kevent64_s trigger = user_event(0, NOTE_TRIGGER);
        (void)kevent64(fd_, &trigger, 1, nullptr, 0, 0, nullptr);
    }
}

}  // namespace wfisleep::platform
