/* event.h - declaration-only shim of Apple's <sys/event.h> (kqueue) for syntax checks on Linux.
 * Only what wfisleep uses; names, types and values as in XNU's public bsd/sys/event.h. */
#ifndef WFISLEEP_SHIM_SYS_EVENT_H
#define WFISLEEP_SHIM_SYS_EVENT_H

#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* filters */
#define EVFILT_TIMER (-7)
#define EVFILT_USER (-10)

/* actions and flags */
#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ENABLE 0x0004
#define EV_DISABLE 0x0008
#define EV_ONESHOT 0x0010
#define EV_CLEAR 0x0020
#define EV_ERROR 0x4000

/* EVFILT_USER fflags */
#define NOTE_TRIGGER 0x01000000

/* EVFILT_TIMER fflags */
#define NOTE_SECONDS 0x00000001
#define NOTE_USECONDS 0x00000002
#define NOTE_NSECONDS 0x00000004
#define NOTE_ABSOLUTE 0x00000008
#define NOTE_LEEWAY 0x00000010    /* ext[1] holds the leeway */
#define NOTE_CRITICAL 0x00000020  /* minimal timer coalescing */
#define NOTE_BACKGROUND 0x00000040
#define NOTE_MACHTIME 0x00000100

struct kevent64_s {
    uint64_t ident;
    int16_t filter;
    uint16_t flags;
    uint32_t fflags;
    int64_t data;
    uint64_t udata;
    uint64_t ext[2];
};

int kqueue(void);
int kevent64(int kq, const struct kevent64_s *changelist, int nchanges,
             struct kevent64_s *eventlist, int nevents, unsigned int flags,
             const struct timespec *timeout);

#ifdef __cplusplus
}
#endif

#endif /* WFISLEEP_SHIM_SYS_EVENT_H */
